"""Permission-checked reads for supervision: documents, extension requests, inbox, accountability."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext

from taizhang.accounts.models import Role
from taizhang.supervision.models import (
    Accountability,
    ActionState,
    ExtensionRequest,
    Notification,
    SupervisionAction,
)

if TYPE_CHECKING:
    from taizhang.accounts.models import User

ACCOUNTABILITY_WRITERS = frozenset({Role.DISCIPLINE, Role.ADMIN})
ACCOUNTABILITY_READERS = frozenset({Role.DISCIPLINE, Role.ADMIN, Role.LEADER, Role.COORDINATOR})
EXTENSION_DECIDERS = frozenset({Role.COORDINATOR, Role.ADMIN})
SUBSCRIBERS = frozenset({Role.LEADER, Role.COORDINATOR, Role.DISCIPLINE})


def actions_visible_to(user: User) -> QuerySet[SupervisionAction]:
    qs = SupervisionAction.objects.select_related("rung", "unit", "problem", "signed_by")
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.is_bureau_wide():
        return qs
    if user.is_unit_role() and user.unit_id:
        # A unit sees what was sent to it: not drafts awaiting approval, nor what a catch-up passed over.
        return qs.filter(unit_id=user.unit_id, state=ActionState.ISSUED)
    return qs.none()


def access_action_by_id(user: User, pk: int) -> SupervisionAction:
    try:
        return actions_visible_to(user).get(pk=pk)
    except (SupervisionAction.DoesNotExist, ValueError, TypeError):
        raise Http404(gettext("督办记录不存在或无权查看")) from None


def access_extension_by_id(user: User, pk: int) -> ExtensionRequest:
    from taizhang.problems.access import access_problem_by_id

    request = ExtensionRequest.objects.filter(pk=pk).first()
    if request is None:
        raise Http404(gettext("延期申请不存在或无权查看"))
    access_problem_by_id(user, request.problem_id)
    return request


def inbox_of(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def can_read_accountability(user: User) -> bool:
    return user.is_authenticated and user.role in ACCOUNTABILITY_READERS


def accountability_visible_to(user: User) -> QuerySet[Accountability]:
    qs = Accountability.objects.select_related("problem", "unit", "person", "action", "bundled_with")
    return qs if can_read_accountability(user) else qs.none()


def is_signing_unit_member(user: User, action: SupervisionAction) -> bool:
    return user.is_unit_role() and user.unit_id is not None and user.unit_id == action.unit_id
