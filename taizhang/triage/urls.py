from django.urls import path

from taizhang.triage import views

urlpatterns = [
    path("batch/", views.batch_review, name="triage_batch"),
    path("batch/confirm/", views.batch_confirm, name="triage_batch_confirm"),
]
