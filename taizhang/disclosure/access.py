"""Who may manage 公示 (the coordinators), who may read the drafts (also the leaders), and fetches checked so."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404
from django.utils.translation import gettext

from taizhang.accounts.models import Role
from taizhang.disclosure.models import Batch, BatchItem, BatchQuerySet, BatchState
from taizhang.errors import NotAllowed

if TYPE_CHECKING:
    from taizhang.accounts.models import User

MANAGERS = frozenset({Role.COORDINATOR})
READERS = frozenset({Role.COORDINATOR, Role.LEADER})


def can_read_batches(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role in READERS


def can_manage_batches(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role in MANAGERS


def require_manager(actor: User) -> None:
    if not can_manage_batches(actor):
        raise NotAllowed(gettext("只有牵头部门可以编制、发布或撤回公示。"))


def batches_visible_to(user: User) -> BatchQuerySet:
    return Batch.objects.all() if can_read_batches(user) else Batch.objects.none()


def access_batch_by_id(user: User, pk: int) -> Batch:
    try:
        return batches_visible_to(user).get(pk=pk)
    except (Batch.DoesNotExist, ValueError, TypeError):
        raise Http404(gettext("公示不存在或无权查看")) from None


def published_batch(pk: int) -> Batch:
    """A batch as the public may open it: published, never a draft or a withdrawn one (the same 404)."""
    try:
        return Batch.objects.published().get(pk=pk)
    except (Batch.DoesNotExist, ValueError, TypeError):
        raise Http404(gettext("公示不存在或已撤回")) from None


def published_item(batch: Batch, pk: int) -> BatchItem:
    try:
        return batch.items.get(pk=pk)
    except (BatchItem.DoesNotExist, ValueError, TypeError):
        raise Http404(gettext("公示问题不存在")) from None


def is_published(batch: Batch) -> bool:
    return batch.state == BatchState.PUBLISHED
