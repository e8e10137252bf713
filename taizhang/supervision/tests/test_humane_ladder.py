"""督办 a county can stand behind: heavy forms wait for approval, units reply, numbers follow issue dates, dates are
Beijing dates, and a first run or a catch-up after weeks away sends no back-dated flood."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from taizhang.audit.models import AuditEvent, Verb
from taizhang.clock import now
from taizhang.errors import ActionError, NotAllowed
from taizhang.problems.models import Status
from taizhang.supervision import actions
from taizhang.supervision.config import get_config
from taizhang.supervision.documents import problem_values
from taizhang.supervision.models import ActionState, FormKind, Notification, SupervisionAction
from taizhang.supervision.scheduler import sweep
from taizhang.supervision.tests.helpers import approve_drafts, assign, at, fired_states, new_problem

D = dt.date


def _drafted(cast: SimpleNamespace) -> SupervisionAction:
    with time_machine.travel(at(D(2026, 11, 2)), tick=False) as traveller:
        assign(cast, new_problem(cast), milestone_on=D(2026, 11, 3))
        for day in (D(2026, 11, 2), D(2026, 11, 12), D(2026, 11, 18)):
            traveller.move_to(at(day))
            sweep()
    return SupervisionAction.objects.get(form_kind=FormKind.CRITICISM)


def test_a_drafted_criticism_reaches_the_unit_only_once_approved_numbered_and_dated_that_day(
    client: Client, cast: SimpleNamespace
) -> None:
    draft = _drafted(cast)
    assert (draft.state, draft.doc_number, draft.issued_on) == (ActionState.DRAFT, "", None)
    assert not Notification.objects.filter(recipient=cast.officer, title__contains="通报批评").exists()
    client.force_login(cast.officer)  # the unit does not see the draft
    assert client.get(reverse("supervision_document", args=[draft.pk])).status_code == 404
    client.force_login(cast.inspector)
    assert (
        client.post(reverse("supervision_document_review", args=[draft.pk]), {"decision": "approve"}).status_code == 403
    )
    client.force_login(cast.coordinator)
    page = client.get(reverse("supervision_document", args=[draft.pk])).content.decode()
    assert "草稿" in page and 'id="approve-draft"' in page and "（审批后编号）" in page
    with time_machine.travel(at(D(2026, 11, 20), 10), tick=False):
        response = client.post(reverse("supervision_document_review", args=[draft.pk]), {"decision": "approve"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.state, draft.doc_number, draft.issued_on) == (
        ActionState.ISSUED,
        "青教通〔2026〕1号",
        D(2026, 11, 20),
    )
    assert draft.reviewed_by == cast.coordinator and "截至2026年11月20日" in draft.body  # worded as of the issue day
    assert Notification.objects.filter(recipient=cast.officer, title__contains="青教通〔2026〕1号").count() == 1
    assert AuditEvent.objects.filter(verb=Verb.SUPERVISION_REVIEWED, problem=draft.problem).count() == 1
    with pytest.raises(ActionError):  # approved once
        actions.do_review_document(draft, actor=cast.leader, approve=True)


def test_a_declined_draft_needs_a_reason_is_never_issued_and_is_not_drafted_again(cast: SimpleNamespace) -> None:
    draft = _drafted(cast)
    with pytest.raises(ActionError) as refused:
        actions.do_review_document(draft, actor=cast.leader, approve=False, note="  ")
    assert refused.value.field_errors == {"note": ["请填写理由。"]}
    with pytest.raises(NotAllowed):
        actions.do_review_document(draft, actor=cast.officer, approve=True)
    draft.refresh_from_db()
    assert draft.state == ActionState.DRAFT and draft.reviewed_at is None  # nothing written
    actions.do_review_document(draft, actor=cast.leader, approve=False, note="已约谈，暂不通报")
    draft.refresh_from_db()
    assert (draft.state, draft.doc_number, draft.review_note) == (ActionState.WITHDRAWN, "", "已约谈，暂不通报")
    with time_machine.travel(at(D(2026, 11, 19)), tick=False):
        sweep()
    assert SupervisionAction.objects.filter(form_kind=FormKind.CRITICISM).count() == 1


def test_the_unit_replies_to_its_notice_once_and_the_coordinators_read_it(
    client: Client, cast: SimpleNamespace
) -> None:
    _drafted(cast)
    notice = SupervisionAction.objects.get(form_kind=FormKind.SUPERVISION_NOTICE)
    client.force_login(cast.other_officer)  # another unit: cannot see it, cannot reply
    assert client.post(reverse("supervision_document_reply", args=[notice.pk]), {"text": "与我无关"}).status_code == 404
    with pytest.raises(NotAllowed):
        actions.do_reply_document(notice, actor=cast.other_officer, text="与我无关")
    client.force_login(cast.officer)
    page = client.get(reverse("supervision_document", args=[notice.pk])).content.decode()
    assert 'id="reply-form"' in page
    client.post(reverse("supervision_document_reply", args=[notice.pk]), {"text": "   "})
    notice.refresh_from_db()
    assert notice.replied_at is None
    text = "已约谈涉事教师，补课费用已全部清退。\n下一步将建立周巡查制度。"
    assert client.post(reverse("supervision_document_reply", args=[notice.pk]), {"text": text}).status_code == 302
    notice.refresh_from_db()
    assert notice.reply == text and notice.replied_by == cast.officer
    with pytest.raises(ActionError):
        actions.do_reply_document(notice, actor=cast.unit_head, text="再次回复")
    event = AuditEvent.objects.get(verb=Verb.SUPERVISION_REPLIED)
    assert event.problem == notice.problem and "补课费用已全部清退" in event.summary
    assert (
        Notification.objects.filter(recipient=cast.coordinator, title__contains="回复《问题整改督办单》").count() == 1
    )
    client.force_login(cast.coordinator)
    assert "补课费用已全部清退" in client.get(reverse("problem_detail", args=[notice.problem_id])).content.decode()


def test_document_numbers_follow_issue_dates(cast: SimpleNamespace) -> None:
    with time_machine.travel(at(D(2026, 11, 2)), tick=False) as traveller:
        first = assign(cast, new_problem(cast, "食堂卫生"), milestone_on=D(2026, 11, 3))
        traveller.move_to(at(D(2026, 11, 4)))
        second = assign(cast, new_problem(cast, "乱收费"), milestone_on=D(2026, 11, 5))
        traveller.move_to(at(D(2026, 12, 1)))  # the first sweep ever: both problems far overdue
        sweep()
        drafts = list(SupervisionAction.objects.filter(state=ActionState.DRAFT).order_by("-id"))
        assert len(drafts) == 2
        traveller.move_to(at(D(2026, 12, 2)))
        actions.do_review_document(drafts[0], actor=cast.coordinator, approve=True)
        traveller.move_to(at(D(2026, 12, 3)))
        actions.do_review_document(drafts[1], actor=cast.coordinator, approve=True)
    for problem in (first, second):  # one document each, the highest rung, and nothing else sent
        states = [state for _code, _due, state, _n in fired_states(problem)]
        assert states.count(ActionState.ISSUED) + states.count(ActionState.DRAFT) <= 2
    issued = SupervisionAction.objects.exclude(doc_number="").order_by("form_kind", "doc_seq")
    by_kind: dict[str, list[dt.date]] = {}
    for action in issued:
        assert action.issued_on is not None and action.doc_year == action.issued_on.year
        by_kind.setdefault(action.form_kind, []).append(action.issued_on)
    assert all(dates == sorted(dates) for dates in by_kind.values())
    assert by_kind[FormKind.ORG_ADJUSTMENT] == [D(2026, 12, 2), D(2026, 12, 3)]


def test_forms_print_the_beijing_date_of_an_early_morning_assignment(cast: SimpleNamespace) -> None:
    with time_machine.travel(at(D(2026, 11, 2), 7, 30), tick=False):  # 23:30 on 1 November in UTC
        problem = assign(cast, new_problem(cast), milestone_on=D(2026, 11, 3))
        values = problem_values(problem, D(2026, 11, 2), get_config())
    assert values["交办日期"] == "2026年11月2日"
    with time_machine.travel(at(D(2026, 11, 2), 8, 30), tick=False):
        sweep()
    forecast = SupervisionAction.objects.get(form_kind=FormKind.FORECAST)
    assert forecast.issued_on == D(2026, 11, 2) and forecast.doc_number == "青教预〔2026〕1号"
    approve_drafts(cast)  # none: nothing heavy was due
    assert not SupervisionAction.objects.filter(state=ActionState.DRAFT).exists()


def _documents_follow_issue_dates() -> None:
    rows = SupervisionAction.objects.exclude(doc_number="").order_by("form_kind", "doc_year", "doc_seq")
    last: dict[tuple[str, int | None], dt.date] = {}
    for action in rows.values("form_kind", "doc_year", "issued_on"):
        key = (action["form_kind"], action["doc_year"])
        assert action["issued_on"] is not None and action["issued_on"] >= last.get(key, action["issued_on"])
        last[key] = action["issued_on"]


def _check_run(since_id: int, at_moment: dt.datetime) -> int:
    """What one sweep of the demo county wrote: at most one new document per problem, no 预报单 for a signed
    problem, no heavy form issued without approval, nothing dated before the run."""
    new = SupervisionAction.objects.filter(pk__gt=since_id, problem__isnull=False).select_related("problem")
    per_problem: dict[int, int] = {}
    for action in new:
        if action.form_kind and action.state in (ActionState.ISSUED, ActionState.DRAFT):
            assert action.problem_id is not None
            per_problem[action.problem_id] = per_problem.get(action.problem_id, 0) + 1
        if action.form_kind == FormKind.FORECAST and action.state == ActionState.ISSUED:
            assert action.problem is not None and action.problem.status == Status.ASSIGNED  # not yet signed
        if action.form_kind in actions.HEAVY_FORMS:
            assert action.state in (ActionState.DRAFT, ActionState.SKIPPED) and not action.doc_number
        issued = action.issued_on
        assert action.fired_at == at_moment and (issued is None or issued == timezone.localdate(at_moment))
    assert all(n == 1 for n in per_problem.values()), per_problem
    _documents_follow_issue_dates()
    return len(per_problem)


def test_the_demo_countys_first_sweep_and_a_three_week_outage_send_no_back_dated_flood(db: object) -> None:
    call_command("load_demo", scale=0.05, stdout=io.StringIO())
    first_day = now().replace(microsecond=0)  # the day a newcomer runs scripts/run
    with time_machine.travel(first_day, tick=False):
        before = Notification.objects.count()
        played = SupervisionAction.objects.order_by("-id").values_list("id", flat=True).first() or 0
        sweep()  # the demo played its 督办 day by day up to yesterday; this is the running scheduler's first run
        # What the first run issues depends on the story's last days (none at all on some days of the week at
        # this scale); the three-week outage below must issue some, so the checks are never vacuous.
        _check_run(played, first_day)
        sent = Notification.objects.order_by("id")[before:]
        assert all(n.created_at == first_day for n in sent)
        per_person_problem = [(n.recipient_id, n.problem_id) for n in sent if n.problem_id]
        assert len(per_person_problem) == len(set(per_person_problem))  # one message per person and problem
    last = SupervisionAction.objects.order_by("-id").values_list("id", flat=True).first() or 0
    later = first_day + dt.timedelta(days=21)
    with time_machine.travel(later, tick=False):
        before = Notification.objects.count()
        sweep()
        assert _check_run(last, later) > 0
        sent = Notification.objects.order_by("id")[before:]
        per_person_problem = [(n.recipient_id, n.problem_id) for n in sent if n.problem_id]
        assert len(per_person_problem) == len(set(per_person_problem))
