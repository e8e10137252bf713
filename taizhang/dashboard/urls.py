from django.urls import path

from taizhang.dashboard import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("xlsx/", views.dashboard_xlsx, name="dashboard_xlsx"),
]
