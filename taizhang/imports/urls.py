from django.urls import path

from taizhang.imports import views

urlpatterns = [
    path("", views.import_home, name="import_home"),
    path("<int:pk>/", views.import_job, name="import_job"),
]
