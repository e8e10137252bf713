"""Every URL of the product, enumerated, and a way to request each one as each role over the demo county.

Used by test_permission_matrix: the URL patterns come from Django's resolver and the API's operations from
django-ninja's router, so a route added anywhere is found here without being listed by hand."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from taizhang.accounts.models import Role, Unit, User
from taizhang.api import api
from taizhang.web.matrix import ANONYMOUS, api_key, page_key

ROLES = (ANONYMOUS, *Role.values)
NAMED: dict[str, str] = {
    Role.COORDINATOR: "coord",
    Role.INSPECTOR: "inspector1",
    Role.LEADER: "leader",
    Role.DISCIPLINE: "discipline",
    Role.ADMIN: "admin",
}


@dataclass(frozen=True)
class Route:
    """One URL pattern (a page, an admin view) or one API operation (method + path)."""

    key: str
    pattern: str  # the path as Django writes it, with converters: problems/<int:pk>/
    name: str
    method: str = "GET"  # for API operations; pages are tried with GET, then POST when GET is not allowed
    is_api: bool = False
    is_admin: bool = False


def _walk(resolver: URLResolver, prefix: str, namespace: str) -> Iterator[tuple[str, URLPattern, str]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace or namespace
            yield from _walk(entry, prefix + str(entry.pattern), inner)
        else:
            yield prefix + str(entry.pattern), entry, namespace


def _api_operations() -> dict[str, list[str]]:
    """'/api/v1/problems/{problem_id}' → its methods, from the API's own OpenAPI document."""
    schema = api.get_openapi_schema()
    return {path.rstrip("/"): [m.upper() for m in ops] for path, ops in schema["paths"].items()}


def all_routes() -> list[Route]:
    routes: list[Route] = []
    operations = _api_operations()
    for pattern, entry, namespace in _walk(get_resolver(), "", ""):
        name = entry.name or ""
        if namespace == "admin" or pattern.startswith("admin/"):
            routes.append(Route(f"admin:{name or pattern}", pattern, name, is_admin=True))
            continue
        if namespace == "api":
            path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", pattern).rstrip("/")
            methods = operations.get(path)
            if methods:
                routes += [Route(api_key(m, path), pattern, name, method=m, is_api=True) for m in sorted(methods)]
                continue
        routes.append(Route(page_key(name, pattern), pattern, name))
    return routes


# ---- the demo county: which record each route is asked about, and whose unit it is --------------------------


@dataclass
class Target:
    """A concrete URL for a route, the unit whose record it is (None: no unit's), and what a POST sends."""

    url: str
    unit_id: int | None = None
    data: dict[str, Any] | Callable[[], dict[str, Any]] | None = None
    json: bool = False
    person: User | None = None  # for a route that one person reaches (the named verifier, a job's uploader)
    files: dict[str, Any] = field(default_factory=dict)


@dataclass
class County:
    """Records of the demo county that the routes are asked about; built once the demo is loaded."""

    cache: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def unit(self) -> Unit:
        return Unit.objects.get(name="基础教育股")

    def user(self, role: str, unit_id: int | None) -> User | None:
        if role == ANONYMOUS:
            return None
        if role in NAMED:
            return User.objects.get(username=NAMED[role])
        if role not in (Role.UNIT_OFFICER, Role.UNIT_HEAD):
            # a role the demo county has no one in: one at the bureau
            someone = User.objects.filter(role=role, is_active=True).order_by("id").first()
            bureau = Unit.objects.filter(parent=None).order_by("id").first()
            return someone or User.objects.create_user(f"matrix-{role}", password="x", role=role, unit=bureau)
        unit = unit_id or self.unit.pk
        return User.objects.filter(role=role, unit_id=unit, is_active=True).order_by("id").first()

    def stranger(self, unit_id: int, exclude: set[int]) -> User:
        """A unit officer of some other unit (neither the record's unit nor any unit in `exclude`)."""
        user = (
            User.objects.filter(role=Role.UNIT_OFFICER, is_active=True)
            .exclude(unit_id__in={unit_id, *exclude})
            .order_by("id")
            .first()
        )
        assert user is not None
        return user


def today_plus(days: int) -> str:
    from taizhang.clock import today

    return (today() + dt.timedelta(days=days)).isoformat()


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
        try:  # an account with a second factor counts as logged in once its code was taken
            from taizhang.accounts.twofactor import VERIFIED
        except ImportError:
            return client
        session = client.session
        session[VERIFIED] = user.pk
        session.save()
    return client
