"""The 公示 verbs of the audit trail. The app declares its own (docs/STYLE: the trail knows events, not domains),
so adding one needs no migration of the audit app; AuditEvent.verb stores the string as it is."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.db import models
from django.utils.translation import gettext_lazy as _

from taizhang.audit.events import record_event

if TYPE_CHECKING:
    from taizhang.accounts.models import User
    from taizhang.audit.models import AuditEvent, Verb


class DisclosureVerb(models.TextChoices):
    BATCH_CREATED = "disclosure_created", _("新建公示")
    ITEMS_CHANGED = "disclosure_items_changed", _("调整公示问题")
    ITEM_REDACTED = "disclosure_redacted", _("公示人工隐去")
    BATCH_PUBLISHED = "disclosure_published", _("发布公示")
    BATCH_WITHDRAWN = "disclosure_withdrawn", _("撤回公示")
    OBJECTION_FILED = "disclosure_objection", _("公示异议")


def record_disclosure_event(
    verb: DisclosureVerb, *, actor: User | None, summary: str, data: dict[str, Any], actor_name: str | None = None
) -> AuditEvent:
    return record_event(cast("Verb", verb), actor=actor, summary=summary, data=data, actor_name=actor_name)
