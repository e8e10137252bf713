from django.urls import path

from taizhang.web import views

urlpatterns = [
    path("", views.home, name="home"),
]
