"""Denied access in the chained trail (等保: every denied access is an audit event).

A 403 anywhere, and the 404 an `access_*` helper gives instead of a 403 to hide that a record exists (it notes the
refusal here), leaves an `access_denied` event naming who, from where, which route and what was refused. A scanner
must not flood the chain: one event per user (or address, when anonymous) and route per window (a minute); the
refusals skipped in between are counted into the next event. Writing the event never breaks the refusal itself."""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.http import HttpRequest, HttpResponse

from taizhang.audit.events import record_event
from taizhang.audit.models import Verb

log = logging.getLogger(__name__)

_refused: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar("taizhang_refused", default=None)


def note_scope_refusal(kind: str, pk: object) -> None:
    """An `access_*` helper refused an existing record as if it did not exist (404): say so for the trail."""
    _refused.set({"kind": kind, "id": str(pk)})


def window_seconds() -> int:
    return int(getattr(settings, "TAIZHANG_AUDIT_DENIAL_WINDOW", 60))


class DeniedAccessMiddleware:
    """After authentication: turns a 403, or a 404 that hid a record from its asker, into an audit event."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _refused.set(None)
        try:
            response = self.get_response(request)
            hidden = _refused.get()
        finally:
            _refused.reset(token)
        if response.status_code == 403 or (response.status_code == 404 and hidden is not None):
            try:
                record_denial(request, response.status_code, hidden)
            except DatabaseError:  # the refusal stands; the trail's failure is logged, not shown
                log.exception("could not audit a denied access to %s", request.path)
        return response


def record_denial(request: HttpRequest, status: int, hidden: dict[str, Any] | None) -> bool:
    """One event per asker and route per window; returns whether one was written."""
    from taizhang.accounts.lockout import client_address

    user = getattr(request, "user", None)
    actor = user if user is not None and user.is_authenticated else None
    address = client_address(request)
    match = getattr(request, "resolver_match", None)
    route = match.view_name if match is not None and match.view_name else request.path
    asker = f"user:{actor.pk}" if actor is not None else f"ip:{address}"
    key = f"taizhang:denied:{asker}:{route}"
    if not cache.add(key, 1, window_seconds()):
        cache.add(f"{key}:skipped", 0, None)
        cache.incr(f"{key}:skipped")
        return False
    skipped = cache.get(f"{key}:skipped", 0)
    if skipped:
        cache.set(f"{key}:skipped", 0, None)
    data: dict[str, Any] = {"path": request.path[:300], "method": request.method, "status": status, "route": route}
    data["address"] = address
    data["skipped_before"] = skipped  # refusals of this asker and route not written since the last event
    if hidden is not None:
        data["refused"] = hidden
    with transaction.atomic():
        record_event(
            Verb.ACCESS_DENIED,
            actor=actor,
            actor_name=None if actor is not None else "匿名访问",
            summary=f"{request.method} {request.path[:200]} → {status}",
            data=data,
        )
    return True
