"""Staff sessions as 等保 expects: an idle timeout (30 minutes; 15 for administrators), an absolute lifetime
(8 hours from login, however busy), the initial password changed before anything else, and no page or export of
a logged-in user kept by a browser or proxy cache (Cache-Control: no-store).

The idle clock is written to the session at most once a minute, so a busy user does not cost a session write on
every request."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext

from taizhang.accounts import twofactor
from taizhang.accounts.models import ADMINISTRATOR_ROLES

LOGIN_AT = "taizhang_login_at"
SEEN_AT = "taizhang_seen_at"
TOUCH_EVERY = 60  # seconds


def idle_limit(user: object) -> int:
    policy = getattr(settings, "TAIZHANG_SESSION", {})
    administrator = getattr(user, "is_superuser", False) or getattr(user, "role", "") in ADMINISTRATOR_ROLES
    return int(policy.get("admin_idle_seconds" if administrator else "idle_seconds", 900 if administrator else 1800))


def absolute_limit() -> int:
    return int(getattr(settings, "TAIZHANG_SESSION", {}).get("absolute_seconds", 8 * 3600))


def start(request: HttpRequest) -> None:
    """At login (accounts.apps): the session's clocks start."""
    moment = int(time.time())
    request.session[LOGIN_AT] = moment
    request.session[SEEN_AT] = moment


class SessionPolicyMiddleware:
    """After AuthenticationMiddleware: ends idle and over-age sessions, sends a user who must change the initial
    password to the password page, and marks every response to a logged-in user no-store."""

    EXEMPT = ("/static/", "/i18n/", "/logout/", "/account/password/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            ended = self._ended(request, user)
            if ended:
                logout(request)
                return self._to_login(request, ended)
            if twofactor.required(user) and request.session.get(twofactor.VERIFIED) != user.pk:
                # No way in for these accounts but the two steps (accounts.login_views): a session that did not
                # pass the code — or began before the user's role needed one — ends here.
                logout(request)
                return self._to_login(request, gettext("此账户须使用动态口令登录，请重新登录。"))
            if getattr(user, "must_change_password", False) and not request.path.startswith(self.EXEMPT):
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": gettext("请先修改初始密码。")}, status=403)
                messages.warning(request, gettext("这是管理员设置的初始密码，请先修改密码再使用系统。"))
                return redirect("password_change")
        response = self.get_response(request)
        if (user is not None and user.is_authenticated) or request.path.startswith("/admin/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    def _ended(self, request: HttpRequest, user: object) -> str:
        moment = int(time.time())
        login_at = request.session.get(LOGIN_AT)
        seen_at = request.session.get(SEEN_AT)
        if login_at is None or seen_at is None:  # a session from before this policy: start its clocks now
            start(request)
            return ""
        if moment - int(login_at) > absolute_limit():
            return gettext("登录已超过 %(hours)d 小时，请重新登录。") % {"hours": absolute_limit() // 3600}
        if moment - int(seen_at) > idle_limit(user):
            return gettext("%(minutes)d 分钟未操作，已自动退出，请重新登录。") % {"minutes": idle_limit(user) // 60}
        if moment - int(seen_at) >= TOUCH_EVERY:
            request.session[SEEN_AT] = moment
        return ""

    def _to_login(self, request: HttpRequest, reason: str) -> HttpResponse:
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": reason}, status=401)
        messages.info(request, reason)
        return redirect(f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}")
