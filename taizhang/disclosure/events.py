"""The 公示 verbs of the audit trail, by the app's own names; each is also in audit.Verb (same value, same words),
so the trail, the admin and the problem timeline show it in words rather than as its code."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from taizhang.audit.events import record_event
from taizhang.audit.models import Verb

if TYPE_CHECKING:
    from taizhang.accounts.models import User
    from taizhang.audit.models import AuditEvent


class DisclosureVerb(models.TextChoices):
    BATCH_CREATED = "disclosure_created", _("新建公示")
    ITEMS_CHANGED = "disclosure_items_changed", _("调整公示问题")
    ITEM_REDACTED = "disclosure_redacted", _("公示人工隐去")
    BATCH_PUBLISHED = "disclosure_published", _("发布公示")
    BATCH_WITHDRAWN = "disclosure_withdrawn", _("撤回公示")
    OBJECTION_FILED = "disclosure_objection", _("公示异议")
    OBJECTION_ANSWERED = "disclosure_objection_answered", _("答复公示异议")


def record_disclosure_event(
    verb: DisclosureVerb, *, actor: User | None, summary: str, data: dict[str, Any], actor_name: str | None = None
) -> AuditEvent:
    return record_event(Verb(verb.value), actor=actor, summary=summary, data=data, actor_name=actor_name)
