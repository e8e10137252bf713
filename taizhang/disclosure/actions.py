"""Every change of a 公示: draft, pick problems, redact, publish, withdraw, the public's objection and its answer.
Each is one transaction that locks the batch and writes its audit event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext

from taizhang.accounts.models import Role
from taizhang.clock import now, today
from taizhang.disclosure.access import require_manager
from taizhang.disclosure.events import DisclosureVerb, record_disclosure_event
from taizhang.disclosure.models import Batch, BatchItem, BatchKind, BatchState, Objection, ObjectionOutcome
from taizhang.disclosure.public import PUBLIC_FIELDS, public_text
from taizhang.errors import ActionError
from taizhang.i18n import join_reasons, message_date
from taizhang.problems.models import Problem, Status
from taizhang.supervision.notify import Message, notify, people_with_roles

if TYPE_CHECKING:
    from taizhang.accounts.models import User

# "Problems to be fixed" are those a unit holds now; "fixed" ones have passed 验收 and are closed.
STATUSES_FOR_KIND: dict[str, tuple[str, ...]] = {
    BatchKind.TO_FIX: (Status.ASSIGNED, Status.RECTIFYING),
    BatchKind.FIXED: (Status.CLOSED,),
}
MAX_TITLE = 200
MAX_OBJECTION = 2000
MAX_CONTACT = 60
MAX_REDACTIONS = 50
MAX_REPLY = 2000


def _locked(batch: Batch) -> Batch:
    return Batch.objects.select_for_update().get(pk=batch.pk)


def _require_draft(batch: Batch) -> None:
    if batch.state != BatchState.DRAFT:
        raise ActionError(gettext("该公示已发布或已撤回，不能再修改。"))


@transaction.atomic
def do_create_batch(*, actor: User, title: str, kind: str) -> Batch:
    require_manager(actor)
    title = title.strip()
    if not title:
        raise ActionError(gettext("请填写公示标题。"), field_errors={"title": [gettext("此项必填。")]})
    if kind not in BatchKind.values:
        raise ActionError(gettext("公示类型无效。"), field_errors={"kind": [gettext("取值无效。")]})
    batch = Batch.objects.create(title=title[:MAX_TITLE], kind=kind, created_by=actor, created_at=now())
    record_disclosure_event(
        DisclosureVerb.BATCH_CREATED,
        actor=actor,
        summary=f"新建公示《{batch.title}》（{batch.get_kind_display()}）",
        data={"batch": batch.pk},
    )
    return batch


@transaction.atomic
def do_add_problems(batch: Batch, problem_ids: Sequence[int], *, actor: User) -> int:
    """Add problems of the batch's kind (拟整改: 待签收/整改中; 已整改: 已销号); one already in it is skipped."""
    require_manager(actor)
    batch = _locked(batch)
    _require_draft(batch)
    wanted = set(problem_ids) - set(batch.items.values_list("problem_id", flat=True))
    problems = list(Problem.objects.filter(pk__in=wanted).order_by("id"))
    if len(problems) != len(wanted):
        raise ActionError(gettext("所选问题不存在。"))
    allowed = STATUSES_FOR_KIND[batch.kind]
    if wrong := [p.number for p in problems if p.status not in allowed]:
        raise ActionError(
            gettext("%(numbers)s 的状态不属于“%(kind)s”，不能加入本公示。")
            % {"numbers": "、".join(wrong), "kind": batch.get_kind_display()}
        )
    start = (batch.items.aggregate(m=Max("position"))["m"] or 0) + 1
    BatchItem.objects.bulk_create(
        [BatchItem(batch=batch, problem=p, position=start + i) for i, p in enumerate(problems)]
    )
    if problems:
        record_disclosure_event(
            DisclosureVerb.ITEMS_CHANGED,
            actor=actor,
            summary=f"公示《{batch.title}》加入问题：{'、'.join(p.number for p in problems)}",
            data={"batch": batch.pk, "added": [p.pk for p in problems]},
        )
    return len(problems)


@transaction.atomic
def do_remove_item(item: BatchItem, *, actor: User) -> None:
    require_manager(actor)
    batch = _locked(item.batch)
    _require_draft(batch)
    number = item.problem.number
    item.delete()
    record_disclosure_event(
        DisclosureVerb.ITEMS_CHANGED,
        actor=actor,
        summary=f"公示《{batch.title}》移出问题：{number}",
        data={"batch": batch.pk, "removed": [item.problem_id]},
    )


@transaction.atomic
def do_redact_item(item: BatchItem, words: Sequence[str], *, actor: User) -> BatchItem:
    """The coordinator's own redactions on top of the automatic masking: words hidden wherever they appear."""
    require_manager(actor)
    batch = _locked(item.batch)
    _require_draft(batch)
    clean = list(dict.fromkeys(w.strip() for w in words if w.strip()))
    if len(clean) > MAX_REDACTIONS:
        raise ActionError(gettext("隐去的词语最多 %(n)d 个。") % {"n": MAX_REDACTIONS})
    item = BatchItem.objects.select_for_update().get(pk=item.pk)
    item.redactions = clean
    item.save(update_fields=["redactions"])
    # The words themselves may be personal data; the trail keeps how many, not which.
    record_disclosure_event(
        DisclosureVerb.ITEM_REDACTED,
        actor=actor,
        summary=f"公示《{batch.title}》问题 {item.problem.number} 人工隐去 {len(clean)} 处词语",
        data={"batch": batch.pk, "item": item.pk, "count": len(clean)},
    )
    return item


@transaction.atomic
def do_publish_batch(batch: Batch, *, actor: User, starts_on: dt.date, ends_on: dt.date) -> Batch:
    """Publish with a 公示期: each item's public text is frozen now, masked and redacted as in the preview."""
    require_manager(actor)
    batch = _locked(batch)
    _require_draft(batch)
    if ends_on < starts_on:
        raise ActionError(
            gettext("公示期结束日期不能早于开始日期。"), field_errors={"ends_on": [gettext("不能早于开始日期。")]}
        )
    if ends_on < today():
        raise ActionError(
            gettext("公示期已过，请重新选择日期。"), field_errors={"ends_on": [gettext("不能早于今天。")]}
        )
    items = list(batch.items.select_related("problem__lead_unit", "problem__category").order_by("position", "id"))
    if not items:
        raise ActionError(gettext("公示中还没有问题，请先选择问题。"))
    allowed = STATUSES_FOR_KIND[batch.kind]
    if changed := [i.problem.number for i in items if i.problem.status not in allowed]:
        raise ActionError(
            gettext("%(numbers)s 的状态已变化，不再属于“%(kind)s”，请移出后再发布。")
            % {"numbers": "、".join(changed), "kind": batch.get_kind_display()}
        )
    for item in items:
        for field, value in vars(public_text(item.problem, item.redactions)).items():
            setattr(item, field, value)
    BatchItem.objects.bulk_update(items, list(PUBLIC_FIELDS), batch_size=500)
    batch.state, batch.starts_on, batch.ends_on = BatchState.PUBLISHED, starts_on, ends_on
    batch.published_by, batch.published_at, batch.item_count = actor, now(), len(items)
    batch.save(update_fields=["state", "starts_on", "ends_on", "published_by", "published_at", "item_count"])
    record_disclosure_event(
        DisclosureVerb.BATCH_PUBLISHED,
        actor=actor,
        summary=(
            f"发布公示《{batch.title}》，{len(items)}个问题，公示期{message_date(starts_on)}至{message_date(ends_on)}"
        ),
        data={"batch": batch.pk, "problems": [i.problem_id for i in items]},
    )
    return batch


@transaction.atomic
def do_withdraw_batch(batch: Batch, *, actor: User, reason: str) -> Batch:
    """Take a published batch down (a mistake found, a complaint upheld); the reason is kept and audited."""
    require_manager(actor)
    batch = _locked(batch)
    if batch.state != BatchState.PUBLISHED:
        raise ActionError(gettext("只有已发布的公示可以撤回。"))
    reason = reason.strip()
    if not reason:
        raise ActionError(gettext("撤回公示请填写原因。"), field_errors={"reason": [gettext("请填写原因。")]})
    batch.state, batch.withdrawn_by, batch.withdrawn_at, batch.withdraw_reason = (
        BatchState.WITHDRAWN,
        actor,
        now(),
        reason[:500],
    )
    batch.save(update_fields=["state", "withdrawn_by", "withdrawn_at", "withdraw_reason"])
    record_disclosure_event(
        DisclosureVerb.BATCH_WITHDRAWN,
        actor=actor,
        summary=f"撤回公示《{batch.title}》：{batch.withdraw_reason}",
        data={"batch": batch.pk},
    )
    return batch


@transaction.atomic
def do_file_objection(item: BatchItem, *, text: str, contact: str = "") -> Objection:
    """异议 from the public, during the 公示期 only; every coordinator finds it in the inbox."""
    batch = _locked(item.batch)
    if not batch.is_open_for_objections():
        raise ActionError(gettext("该公示不在公示期内，异议通道已关闭。"))
    text, contact = text.strip(), contact.strip()
    if not text:
        raise ActionError(gettext("请填写异议内容。"), field_errors={"text": [gettext("此项必填。")]})
    if len(text) > MAX_OBJECTION or len(contact) > MAX_CONTACT:
        raise ActionError(gettext("内容过长，请精简后再提交。"))
    objection = Objection.objects.create(item=item, text=text, contact=contact, created_at=now())
    number = item.public_number
    notify(
        people_with_roles(Role.COORDINATOR),
        Message(
            title=gettext("公示异议：%(number)s") % {"number": number},
            body=gettext("《%(batch)s》中的问题 %(number)s 收到群众异议：%(text)s")
            % {"batch": batch.title, "number": number, "text": text[:200]},
            # The internal page, also when the objection came in through the public-only face's process.
            url=reverse("disclosure_manage_batch", args=[batch.pk], urlconf="taizhang.urls") + "#objections",
            problem=item.problem,
        ),
    )
    record_disclosure_event(
        DisclosureVerb.OBJECTION_FILED,
        actor=None,
        actor_name="群众",
        summary=f"公示《{batch.title}》问题 {number} 收到异议",
        data={"batch": batch.pk, "item": item.pk, "objection": objection.pk},
    )
    return objection


@transaction.atomic
def do_answer_objection(objection: Objection, *, actor: User, outcome: str, reply: str) -> Objection:
    """A coordinator settles an objection once: 不成立, 成立并已更正, or 成立 and the batch withdrawn (through
    do_withdraw_batch, in this transaction: the only way a published item leaves the public's view)."""
    require_manager(actor)
    batch = _locked(objection.item.batch)
    objection = Objection.objects.select_for_update().select_related("item").get(pk=objection.pk)
    if objection.is_answered:
        raise ActionError(gettext("该异议已答复，不能重复处理。"))
    reply = reply.strip()
    errors: dict[str, list[str]] = {}
    if outcome not in ObjectionOutcome.values:
        errors["outcome"] = [gettext("请选择处理结果。")]
    if not reply:
        errors["reply"] = [gettext("请填写答复意见。")]
    elif len(reply) > MAX_REPLY:
        errors["reply"] = [gettext("答复过长，最多 %(max)d 字。") % {"max": MAX_REPLY}]
    if outcome == ObjectionOutcome.WITHDRAWN and batch.state != BatchState.PUBLISHED:
        errors["outcome"] = [gettext("该公示已不在发布状态，无需撤回；请选择其他处理结果。")]
    if errors:
        raise ActionError(join_reasons((e for es in errors.values() for e in es), ""), field_errors=errors)
    number = objection.item.public_number
    if outcome == ObjectionOutcome.WITHDRAWN:
        reason = gettext("问题 %(number)s 的异议成立：%(reply)s") % {"number": number, "reply": reply}
        do_withdraw_batch(batch, actor=actor, reason=reason)
    objection.outcome, objection.reply, objection.answered_by, objection.answered_at = outcome, reply, actor, now()
    objection.save(update_fields=["outcome", "reply", "answered_by", "answered_at"])
    record_disclosure_event(
        DisclosureVerb.OBJECTION_ANSWERED,
        actor=actor,
        summary=f"答复公示《{batch.title}》问题 {number} 的异议：{objection.get_outcome_display()}",
        data={"batch": batch.pk, "item": objection.item_id, "objection": objection.pk, "outcome": outcome},
    )
    return objection
