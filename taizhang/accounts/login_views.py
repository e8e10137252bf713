"""The login in two steps for the accounts with a second factor (accounts.twofactor): password, then 动态口令 — or,
the first time, enrolling an authenticator app."""

from __future__ import annotations

from typing import Any

import segno
from django.contrib import messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from taizhang.accounts import twofactor
from taizhang.accounts.forms import LoginForm
from taizhang.errors import ActionError
from taizhang.lib import totp


class LoginView(auth_views.LoginView):
    """Django's login, except that an account with a second factor is only *pending* after the password."""

    authentication_form = LoginForm

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if not twofactor.required(user):
            return super().form_valid(form)
        twofactor.begin(self.request, user, self.get_success_url())
        return redirect("login_enrol" if not twofactor.enrolled(user) else "login_code")


def admin_login(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponseBase:
    """/admin/login/ (admin.site.login): the admin's own page and form, the same two steps."""
    from django.contrib import admin

    site = admin.site
    if request.method == "GET" and site.has_permission(request):
        return redirect("admin:index")
    context = {**site.each_context(request), "title": gettext("登录"), "subtitle": None, **(extra_context or {})}
    context.setdefault("next", request.GET.get("next") or reverse("admin:index"))
    request.current_app = site.name
    return LoginView.as_view(
        authentication_form=site.login_form or AdminAuthenticationForm,
        template_name=site.login_template or "admin/login.html",
        extra_context=context,
    )(request)


def _back_to_login(request: HttpRequest, message: str) -> HttpResponse:
    request.session.pop(twofactor.PENDING, None)
    messages.error(request, message)
    return redirect("login")


def _expired(request: HttpRequest) -> HttpResponse:
    return _back_to_login(request, gettext("登录已超时或已失效，请重新输入用户名和密码。"))


def _locked(request: HttpRequest) -> HttpResponse:
    return _back_to_login(
        request, gettext("该账户连续登录失败次数过多，已锁定。请稍后再试，或联系系统管理员解除锁定。")
    )


def _after_login(request: HttpRequest, next_url: str) -> HttpResponse:
    if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        return redirect(next_url)
    return redirect("home")


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    """Step two: the six digits of the user's authenticator app, or one of their recovery codes."""
    user = twofactor.pending_user(request)
    if user is None:
        return _expired(request)
    if not twofactor.enrolled(user):
        return redirect("login_enrol")
    error = ""
    if request.method == "POST":
        code = request.POST.get("code", "")
        how: dict[str, str | None] = {}

        def check() -> bool:
            how["by"] = twofactor.check_code(user, code)
            return how["by"] is not None

        outcome = twofactor.weigh_code(request, user, check)
        if outcome == "locked":
            return _locked(request)
        if outcome == "ok":
            next_url = twofactor.pending_next(request)
            twofactor.finish(request, user)
            if how["by"] == "recovery":
                messages.warning(
                    request, gettext("已使用一个恢复码登录，它不能再次使用。如手机丢失，请生成新的恢复码。")
                )
            return _after_login(request, next_url)
        error = gettext("动态口令不正确或已使用过，请输入手机上当前显示的 6 位数字，或一个未用过的恢复码。")
    status = 400 if error else 200
    return render(request, "registration/login_code.html", {"pending": user, "error": error}, status=status)


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def login_enrol(request: HttpRequest) -> HttpResponse:
    """The first login of an account that needs a second factor: scan the QR code (or type the key) into an
    authenticator app and confirm with its first code. Nothing else is reachable before."""
    user = twofactor.pending_user(request)
    if user is None:
        return _expired(request)
    if twofactor.enrolled(user):
        return redirect("login_code")
    secret = twofactor.enrolment_secret(request)
    error = ""
    if request.method == "POST":
        code = request.POST.get("code", "")
        issued: list[str] = []

        def check() -> bool:
            try:
                issued.extend(twofactor.do_enrol_totp(user, secret, code))
            except ActionError:
                return False
            return True

        outcome = twofactor.weigh_code(request, user, check)
        if outcome == "locked":
            return _locked(request)
        if outcome == "ok":
            next_url = twofactor.pending_next(request)
            twofactor.finish(request, user)
            request.session[twofactor.NEW_RECOVERY_CODES] = issued
            query = f"?{urlencode({'next': next_url})}" if next_url else ""
            return redirect(reverse("recovery_codes") + query)
        error = gettext("动态口令不正确，请核对手机上显示的 6 位数字后重试（手机时间须准确）。")
    uri = totp.provisioning_uri(secret, user.get_username(), twofactor.ISSUER)
    context = {
        "pending": user,
        "error": error,
        "secret": totp.grouped(totp.to_base32(secret)),
        "qr_svg": segno.make(uri, error="m").svg_inline(scale=5, border=2, omitsize=True),
    }
    return render(request, "registration/login_enrol.html", context, status=400 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Recovery codes, shown once: right after enrolment, or after the user asks for new ones (the old ones die)."""
    user: Any = request.user
    if request.method == "POST":
        try:
            request.session[twofactor.NEW_RECOVERY_CODES] = twofactor.do_issue_recovery_codes(user)
        except ActionError as exc:
            messages.error(request, exc.message)
        return redirect("recovery_codes")
    codes = request.session.pop(twofactor.NEW_RECOVERY_CODES, None)
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    context = {"codes": codes, "enrolled": twofactor.enrolled(user), "next": next_url or reverse("home")}
    return render(request, "registration/recovery_codes.html", context)
