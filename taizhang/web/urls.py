from django.contrib.auth import views as auth_views
from django.urls import path

from taizhang.accounts import login_views
from taizhang.accounts import views as account_views
from taizhang.intake import import_views
from taizhang.intake import views as intake_views
from taizhang.problems import print_views
from taizhang.problems import views as problem_views
from taizhang.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("todo/", views.todo, name="todo"),
    path("login/", login_views.LoginView.as_view(), name="login"),
    path("login/code/", login_views.login_code, name="login_code"),
    path("login/enrol/", login_views.login_enrol, name="login_enrol"),
    path("account/recovery-codes/", login_views.recovery_codes, name="recovery_codes"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/password/", account_views.password_change, name="password_change"),
    path("opinions/new/", intake_views.opinion_new, name="opinion_new"),
    path("opinions/import/", import_views.opinion_import, name="opinion_import"),
    path("opinions/import/template.xlsx", import_views.opinion_import_template, name="opinion_import_template"),
    path("opinions/<int:pk>/", intake_views.opinion_detail, name="opinion_detail"),
    path("opinions/<int:pk>/unmask/", intake_views.opinion_unmask, name="opinion_unmask"),
    path("triage/", intake_views.triage_inbox, name="triage_inbox"),
    path("triage/<int:pk>/", intake_views.triage_opinion, name="triage_opinion"),
    path("problems/", problem_views.ledger, name="ledger"),
    path("problems/export.xlsx", problem_views.ledger_export, name="ledger_export"),
    path("problems/print/", print_views.ledger_print, name="ledger_print"),
    path("problems/<int:pk>/", problem_views.problem_detail, name="problem_detail"),
    path("problems/<int:pk>/<str:step>/", problem_views.problem_step, name="problem_step"),
    path("attachments/<int:pk>/", problem_views.attachment_download, name="attachment_download"),
]
