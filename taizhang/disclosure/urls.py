"""The coordinator's 公示 pages (internal, login)."""

from django.urls import URLPattern, path

from taizhang.disclosure import views

urlpatterns: list[URLPattern] = [
    path("", views.batch_list, name="disclosure_manage"),
    path("<int:pk>/", views.batch_detail, name="disclosure_manage_batch"),
    path("<int:pk>/items/<int:item_pk>/redact/", views.item_redact, name="disclosure_redact"),
    path("<int:pk>/preview/", views.batch_preview, name="disclosure_preview"),
    path("<int:pk>/publish/", views.batch_publish, name="disclosure_publish"),
    path("<int:pk>/withdraw/", views.batch_withdraw, name="disclosure_withdraw"),
    path("<int:pk>/objections/<int:objection_pk>/", views.objection_answer, name="disclosure_objection"),
]
