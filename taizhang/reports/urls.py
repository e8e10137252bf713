from django.urls import path

from taizhang.reports import views

urlpatterns = [
    path("", views.index, name="reports_index"),
    path("generate/", views.generate, name="reports_generate"),
    path("<int:pk>/download/", views.download, name="reports_download"),
]
