from django.urls import path

from taizhang.assessment import views

urlpatterns = [
    path("", views.index, name="assessment_index"),
    path("schemes/new/", views.scheme_edit, name="assessment_scheme_new"),
    path("schemes/<int:pk>/edit/", views.scheme_edit, name="assessment_scheme_edit"),
    path("schemes/<int:pk>/ranking/", views.ranking, name="assessment_ranking"),
    path("schemes/<int:pk>/ranking.xlsx", views.ranking_xlsx, name="assessment_ranking_xlsx"),
    path("schemes/<int:pk>/publish/", views.publish, name="assessment_publish"),
    path("rankings/<int:pk>/", views.published, name="assessment_published"),
    path("surveys/new/", views.survey_new, name="assessment_survey_new"),
    path("surveys/<int:pk>/", views.survey_detail, name="assessment_survey"),
    path("surveys/<int:pk>/raters/", views.survey_raters, name="assessment_survey_raters"),
    path("surveys/<int:pk>/close/", views.survey_close, name="assessment_survey_close"),
]
