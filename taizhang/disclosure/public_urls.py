"""The public 公示 pages, the JSON feed and the Open311 facade: no login, safe for the public-only deployment."""

from django.urls import URLPattern, path

from taizhang.disclosure import feeds, public_views

urlpatterns: list[URLPattern] = [
    path("disclosures/", public_views.batch_list, name="disclosure_list"),
    path("disclosures/feed.json", feeds.feed, name="disclosure_feed"),
    path("disclosures/<int:pk>/", public_views.batch_detail, name="disclosure_detail"),
    path("disclosures/<int:pk>/items/<int:item_pk>/", public_views.item_detail, name="disclosure_item"),
    path("open311/v2/services.json", feeds.open311_services, name="open311_services"),
    path("open311/v2/requests.json", feeds.open311_requests, name="open311_requests"),
    path("open311/v2/requests/<str:number>.json", feeds.open311_request_detail, name="open311_request"),
]
