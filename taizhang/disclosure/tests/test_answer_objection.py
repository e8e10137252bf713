"""异议 answered: a coordinator records the outcome and a reply, once; it leaves the 待办; 成立 may withdraw."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from taizhang.audit.models import AuditEvent, Verb
from taizhang.disclosure import actions
from taizhang.disclosure.models import Batch, BatchState, Objection, ObjectionOutcome
from taizhang.disclosure.tests.helpers import published
from taizhang.errors import NotAllowed
from taizhang.problems.models import Problem, Status
from taizhang.web.todo import todo_for

REPLY = "经核实，该校已于11月停止校外补课，相关教师已作检讨。"


@pytest.fixture
def objection(cast: SimpleNamespace, make_problem: Callable[..., Problem]) -> Objection:
    batch = published(cast, [make_problem(Status.CLOSED)])
    return actions.do_file_objection(batch.items.get(), text="补课并未停止，仍在周末进行。", contact="13900002222")


def _url(objection: Objection) -> str:
    return f"/manage/disclosures/{objection.item.batch_id}/objections/{objection.pk}/"


def test_a_coordinator_answers_and_it_leaves_the_todo(
    client: Client, cast: SimpleNamespace, objection: Objection
) -> None:
    todo = todo_for(cast.coordinator2)
    assert todo.counts.get("answer_objection") == 1
    assert [i.url for i in todo.items if i.kind == "answer_objection"] == [_url(objection)]
    client.force_login(cast.coordinator)
    page = client.get(f"/manage/disclosures/{objection.item.batch_id}/").content.decode()
    assert "待答复" in page and f'id="answer-link-{objection.pk}"' in page
    assert 'id="answer-form"' in client.get(_url(objection)).content.decode()

    response = client.post(_url(objection), {"outcome": ObjectionOutcome.NOT_UPHELD, "reply": f"  {REPLY} "})
    assert response.status_code == 302 and response["Location"].endswith(f"#objection-{objection.pk}")
    objection.refresh_from_db()
    assert (objection.outcome, objection.reply, objection.answered_by) == (
        ObjectionOutcome.NOT_UPHELD,
        REPLY,
        cast.coordinator,
    )
    event = AuditEvent.objects.get(verb=Verb.DISCLOSURE_OBJECTION_ANSWERED)
    assert event.actor == cast.coordinator and "异议不成立" in event.summary
    assert event.data["objection"] == objection.pk
    assert "answer_objection" not in todo_for(cast.coordinator2).counts
    page = client.get(f"/manage/disclosures/{objection.item.batch_id}/").content.decode()
    assert "异议不成立" in page and REPLY in page and "待答复" not in page
    assert objection.item.batch.state == BatchState.PUBLISHED


def test_upheld_with_withdrawal_takes_the_batch_down_in_the_same_step(
    client: Client, cast: SimpleNamespace, objection: Objection
) -> None:
    batch = objection.item.batch
    client.force_login(cast.coordinator)
    response = client.post(_url(objection), {"outcome": ObjectionOutcome.WITHDRAWN, "reply": "公示的整改结果有误。"})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.state == BatchState.WITHDRAWN and batch.withdrawn_by == cast.coordinator
    assert objection.item.public_number in batch.withdraw_reason and "公示的整改结果有误" in batch.withdraw_reason
    assert client.get(f"/disclosures/{batch.pk}/").status_code == 404
    verbs = list(AuditEvent.objects.filter(verb__startswith="disclosure_").values_list("verb", flat=True))
    assert verbs[-2:] == [Verb.DISCLOSURE_WITHDRAWN, Verb.DISCLOSURE_OBJECTION_ANSWERED]
    assert Objection.objects.get().outcome == ObjectionOutcome.WITHDRAWN


def _nothing_answered(objection: Objection, events_before: int) -> bool:
    objection.refresh_from_db()
    return (
        not objection.is_answered
        and objection.reply == ""
        and AuditEvent.objects.exclude(verb__startswith="login_").exclude(verb=Verb.ACCESS_DENIED).count()
        == events_before
        and Batch.objects.get(pk=objection.item.batch_id).state == BatchState.PUBLISHED
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"outcome": ObjectionOutcome.CORRECTED, "reply": "   "}, "请填写答复意见"),
        ({"outcome": "", "reply": REPLY}, "请选择处理结果"),
        ({"outcome": "maybe", "reply": REPLY}, "选择一个有效的选项"),  # the form's own words, Chinese too
        ({"outcome": ObjectionOutcome.CORRECTED, "reply": "长" * 2001}, "2000"),
    ],
)
def test_it_refuses_an_incomplete_answer_in_chinese_and_writes_nothing(
    client: Client, cast: SimpleNamespace, objection: Objection, data: dict[str, Any], message: str
) -> None:
    before = AuditEvent.objects.exclude(verb__startswith="login_").exclude(verb=Verb.ACCESS_DENIED).count()
    client.force_login(cast.coordinator)
    response = client.post(_url(objection), data)
    assert response.status_code == 400 and message in response.content.decode()
    assert _nothing_answered(objection, before)


def test_only_a_coordinator_answers(client: Client, cast: SimpleNamespace, objection: Objection) -> None:
    before = AuditEvent.objects.exclude(verb__startswith="login_").exclude(verb=Verb.ACCESS_DENIED).count()
    client.force_login(cast.leader)  # reads the batch and the objection, answers nothing
    assert client.get(_url(objection)).status_code == 200
    response = client.post(_url(objection), {"outcome": ObjectionOutcome.NOT_UPHELD, "reply": REPLY})
    assert response.status_code == 403 and "只有牵头部门" in response.content.decode()
    client.force_login(cast.officer)
    assert client.post(_url(objection), {"outcome": ObjectionOutcome.NOT_UPHELD, "reply": REPLY}).status_code == 404
    assert _nothing_answered(objection, before)
    with pytest.raises(NotAllowed):
        actions.do_answer_objection(objection, actor=cast.leader, outcome=ObjectionOutcome.NOT_UPHELD, reply=REPLY)


def test_an_answered_objection_is_not_answered_again(
    client: Client, cast: SimpleNamespace, objection: Objection
) -> None:
    actions.do_answer_objection(objection, actor=cast.coordinator2, outcome=ObjectionOutcome.CORRECTED, reply=REPLY)
    before = AuditEvent.objects.exclude(verb__startswith="login_").exclude(verb=Verb.ACCESS_DENIED).count()
    client.force_login(cast.coordinator)
    response = client.post(_url(objection), {"outcome": ObjectionOutcome.NOT_UPHELD, "reply": "改个说法。"})
    assert response.status_code == 400 and "该异议已答复" in response.content.decode()
    objection.refresh_from_db()
    assert (objection.outcome, objection.answered_by) == (ObjectionOutcome.CORRECTED, cast.coordinator2)
    assert AuditEvent.objects.exclude(verb__startswith="login_").exclude(verb=Verb.ACCESS_DENIED).count() == before


def test_a_withdrawn_batch_cannot_be_withdrawn_again_by_an_answer(
    client: Client, cast: SimpleNamespace, objection: Objection
) -> None:
    actions.do_withdraw_batch(objection.item.batch, actor=cast.coordinator, reason="发布有误")
    before = AuditEvent.objects.exclude(verb__startswith="login_").exclude(verb=Verb.ACCESS_DENIED).count()
    client.force_login(cast.coordinator)
    response = client.post(_url(objection), {"outcome": ObjectionOutcome.WITHDRAWN, "reply": REPLY})
    assert response.status_code == 400 and "无需撤回" in response.content.decode()
    objection.refresh_from_db()
    assert (
        not objection.is_answered
        and AuditEvent.objects.exclude(verb__startswith="login_").exclude(verb=Verb.ACCESS_DENIED).count() == before
    )
    # Still answerable otherwise: the objection was filed while the batch was up.
    assert client.post(_url(objection), {"outcome": ObjectionOutcome.CORRECTED, "reply": REPLY}).status_code == 302


def test_an_objection_of_another_batch_is_404(
    client: Client, cast: SimpleNamespace, objection: Objection, make_problem: Callable[..., Problem]
) -> None:
    other = published(cast, [make_problem(Status.CLOSED)])
    client.force_login(cast.coordinator)
    url = f"/manage/disclosures/{other.pk}/objections/{objection.pk}/"
    assert client.post(url, {"outcome": ObjectionOutcome.NOT_UPHELD, "reply": REPLY}).status_code == 404
    assert not Objection.objects.get().is_answered
