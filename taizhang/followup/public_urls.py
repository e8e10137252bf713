"""The rating form of the follow page: on both faces (listed in taizhang/public/face_urls.py)."""

from django.urls import path

from taizhang.followup import views

urlpatterns = [path("track/rate/", views.public_rate, name="public_rate")]
