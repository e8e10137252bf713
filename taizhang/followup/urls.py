from django.urls import path

from taizhang.followup import views

urlpatterns = [
    path("followup/", views.callbacks, name="followup_callbacks"),
    path("followup/opinions/<int:pk>/call/", views.record_call, name="followup_record_call"),
    path("followup/ratings/<int:pk>/review/", views.review, name="followup_review"),
]
