"""民主评议 for the public and for named raters: on both faces (listed in taizhang/public/face_urls.py)."""

from django.urls import path

from taizhang.assessment import surveys

urlpatterns = [
    path("survey/<str:token>/", surveys.public_survey, name="public_survey"),
    path("survey/invite/<str:token>/", surveys.rater_survey, name="survey_invite"),
]
