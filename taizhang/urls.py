from django.contrib import admin
from django.urls import include, path

from taizhang.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("triage/suggest/", include("taizhang.triage.urls")),
    path("supervision/", include("taizhang.supervision.urls")),
    path("imports/", include("taizhang.imports.urls")),
    path("manage/disclosures/", include("taizhang.disclosure.urls")),
    path("assessment/", include("taizhang.assessment.urls")),
    path("reports/", include("taizhang.reports.urls")),
    path("dashboard/", include("taizhang.dashboard.urls")),
    path("", include("taizhang.assessment.public_urls")),
    path("", include("taizhang.disclosure.public_urls")),
    path("", include("taizhang.public.urls")),
    path("", include("taizhang.followup.public_urls")),
    path("", include("taizhang.followup.urls")),
    path("", include("taizhang.web.urls")),
]
