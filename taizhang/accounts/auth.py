"""API authentication: the page session (CSRF-checked writes) or an integration's bearer token."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from taizhang.accounts.actions import hash_token_key
from taizhang.accounts.models import ApiToken, TokenScope
from taizhang.clock import now

if TYPE_CHECKING:
    from taizhang.accounts.models import User

# What each scope may call (method, path pattern); FULL is everything its user's role may do.
SCOPE_RULES: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = {
    TokenScope.INTAKE: (
        ("POST", re.compile(r"^/api/v1/opinions/?$")),
        ("GET", re.compile(r"^/api/v1/opinions/\d+/?$")),
    ),
    TokenScope.READ: (("GET", re.compile(r"^/api/v1/")), ("HEAD", re.compile(r"^/api/v1/"))),
}


def scope_allows(scope: str, method: str, path: str) -> bool:
    if scope == TokenScope.FULL:
        return True
    return any(method == allowed and pattern.match(path) for allowed, pattern in SCOPE_RULES.get(scope, ()))


# last_used_at is a hint for operators, not a log: write it at most once a minute per token.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer <key>`; only the key's sha256 is stored. Revoked tokens and inactive users fail."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        token = token.strip()
        if not token:
            return None
        api_token = (
            ApiToken.objects.select_related("user", "user__unit")
            .filter(key_hash=hash_token_key(token), revoked_at__isnull=True)
            .first()
        )
        if api_token is None or not api_token.user.is_active:
            return None
        moment = now()
        if api_token.expires_at is not None and api_token.expires_at <= moment:
            return None
        if not scope_allows(api_token.scope, request.method or "GET", request.path):
            raise HttpError(
                403,
                gettext("此接口令牌的权限范围是“%(scope)s”，不能进行此项操作。")
                % {"scope": api_token.get_scope_display()},
            )
        if api_token.last_used_at is None or moment - api_token.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=moment)
        request.user = api_token.user
        request.api_token = api_token  # type: ignore[attr-defined]  # names the integration in the audit trail
        return api_token.user


class PageSessionAuth(SessionAuth):
    """The logged-in page user; unsafe methods must carry the CSRF token, as on the pages."""

    def __call__(self, request: HttpRequest) -> Any:
        # A request that brings a bearer token is judged by the token alone: a bad one is a 401,
        # not a confusing CSRF failure, and a cookie riding along never rescues it. (Other schemes,
        # such as a reverse proxy's Basic auth, leave the session alone.)
        if request.headers.get("Authorization", "").lower().startswith("bearer"):
            return None
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


API_AUTH = [ApiTokenAuth(), PageSessionAuth()]
