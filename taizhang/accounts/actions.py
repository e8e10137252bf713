"""State changes of accounts: issuing API tokens for integrations."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.utils.translation import gettext

from taizhang.accounts.models import ApiToken, Role, RoleGrant, TokenScope, User
from taizhang.audit.events import record_event
from taizhang.audit.models import Verb
from taizhang.clock import now
from taizhang.errors import ActionError
from taizhang.i18n import join_reasons

TOKEN_KEY_PREFIX = "tz_"
MAX_TOKEN_NAME_CHARS = 100
DEFAULT_TOKEN_DAYS = 365
MAX_TOKEN_DAYS = 730


def hash_token_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def do_create_api_token(
    user: User,
    name: str,
    *,
    actor: User | None,
    actor_name: str | None = None,
    scope: str = TokenScope.INTAKE,
    days: int = DEFAULT_TOKEN_DAYS,
) -> tuple[ApiToken, str]:
    """Issue a bearer token for `user`, with a scope and an expiry. The key is returned once and never stored, only
    its sha256."""
    name = name.strip()
    errors: dict[str, list[str]] = {}
    if scope not in TokenScope.values:
        errors["scope"] = [gettext("权限范围只能是 intake、read 或 full。")]
    if not 1 <= days <= MAX_TOKEN_DAYS:
        errors["days"] = [gettext("有效期须在 1 至 %(max)d 天之间。") % {"max": MAX_TOKEN_DAYS}]
    if not name:
        errors["name"] = [gettext("请填写令牌用途。")]
    elif len(name) > MAX_TOKEN_NAME_CHARS:
        errors["name"] = [gettext("令牌用途过长，上限 %(max)d 字。") % {"max": MAX_TOKEN_NAME_CHARS}]
    if not user.is_active:
        errors["user"] = [gettext("用户“%(username)s”已停用。") % {"username": user.username}]
    if errors:
        raise ActionError(
            gettext("无法创建接口令牌：%(reasons)s")
            % {"reasons": join_reasons(e for es in errors.values() for e in es)},
            field_errors=errors,
        )
    key = TOKEN_KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        key_hash=hash_token_key(key),
        prefix=key[:8],
        scope=scope,
        expires_at=now() + dt.timedelta(days=days),
    )
    record_event(
        Verb.TOKEN_CREATED,
        actor=actor,
        actor_name=actor_name,
        summary=f"为用户 {user.username}（{user.display_name}）创建接口令牌“{name}”，前缀 {token.prefix}，"
        f"权限范围 {token.get_scope_display()}，{days} 天后到期",
        data={"token": token.pk, "user": user.pk, "prefix": token.prefix, "scope": scope, "days": days},
    )
    return token, key


@transaction.atomic
def do_confirm_role_grant(grant: RoleGrant, *, actor: User) -> None:
    """A second security administrator confirms a request for the 纪检组 role (two-person rule): the role is given,
    and both the confirmation and the role change are audited. Refused to anyone but a security administrator, to
    the requester and to the person themselves."""
    if actor.role != Role.SECURITY_ADMIN:
        raise ActionError(gettext("角色授权只能由安全管理员确认。"))
    if actor.pk in (grant.requested_by_id, grant.user_id):
        raise ActionError(gettext("%(user)s 的授权须由申请人和本人以外的另一名安全管理员确认。") % {"user": grant.user})
    before = grant.user.role
    User.objects.filter(pk=grant.user_id).update(role=grant.role)
    grant.confirmed_by, grant.confirmed_at = actor, now()
    grant.save(update_fields=["confirmed_by", "confirmed_at"])
    record_event(Verb.ROLE_GRANT_CONFIRMED, actor=actor, summary=grant.user.get_username())
    record_event(
        Verb.ROLE_CHANGED,
        actor=actor,
        summary=grant.user.get_username(),
        data={"role": [before, grant.role], "requested_by": grant.requested_by.get_username()},
    )
