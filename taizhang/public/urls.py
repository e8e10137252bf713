"""The public pages (both faces) and, on the internal face only, the staff pages: posters and public photos."""

from django.urls import path

from taizhang.public import staff_views, views

public_urlpatterns = [
    path("submit/", views.submit_opinion, name="public_submit"),
    path("track/", views.track_opinion, name="track"),
]

urlpatterns = [
    *public_urlpatterns,
    path("posters/", staff_views.poster_list, name="public_posters"),
    path("posters/<int:pk>/", staff_views.poster_print, name="public_poster_print"),
    path("posters/<int:pk>.<str:kind>", staff_views.poster_file, name="public_poster_file"),
    path("public-photos/<int:pk>.jpg", staff_views.opinion_photo, name="public_opinion_photo"),
]
