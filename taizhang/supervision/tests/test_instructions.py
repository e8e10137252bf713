"""领导批示: a leader instructs the unit leading a problem, the unit answers once; both 待办 lists and inboxes follow,
every refusal is in Chinese and writes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from taizhang.accounts.models import Role, User
from taizhang.audit.models import AuditEvent, Verb
from taizhang.errors import ActionError, NotAllowed
from taizhang.problems.models import Problem, Status
from taizhang.supervision.instructions import do_give_instruction, do_reply_instruction
from taizhang.supervision.models import Instruction, Notification
from taizhang.supervision.tests.helpers import at
from taizhang.web.todo import todo_for

D = dt.date
MakeProblem = Callable[..., Problem]


def school_officer(cast: SimpleNamespace) -> User:
    user, _created = User.objects.get_or_create(
        username="school", defaults={"full_name": "冯老师", "role": Role.UNIT_OFFICER, "unit": cast.school}
    )
    return user


def titles(user: User) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("id").values_list("title", flat=True))


def test_a_leaders_instruction_reaches_the_unit_and_its_reply_reaches_the_leader(
    cast: SimpleNamespace, make_problem: MakeProblem
) -> None:
    with time_machine.travel(at(D(2026, 11, 2), 8, 30), tick=False) as traveller:
        problem = make_problem(Status.RECTIFYING)
        Notification.objects.all().delete()
        instruction = do_give_instruction(problem, actor=cast.leader, text="请尽快清退费用，并举一反三开展排查。")
        assert instruction.unit == cast.basic and instruction.reply_due_on == D(2026, 11, 5)  # 3 working days
        for person in (cast.officer, cast.unit_head):
            assert titles(person) == [f"{problem.number} 领导批示，请于2026年11月5日前回复办理情况"]
        for coordinator in (cast.coordinator, cast.coordinator2):
            assert titles(coordinator) == [f"{problem.number} 领导批示（基础教育股办理）"]
        assert titles(cast.other_officer) == [] and titles(cast.leader) == []  # a co-unit is not addressed
        assert todo_for(cast.officer).counts == {"file_plan": 1, "reply_instruction": 1}
        waiting = todo_for(cast.leader)
        assert waiting.counts == {"instruction_awaiting": 1}
        assert (waiting.items[0].due, waiting.items[0].light) == (D(2026, 11, 5), "green")
        assert waiting.items[0].detail.startswith("基础教育股：请尽快清退费用")

        traveller.move_to(at(D(2026, 11, 6), 9))  # a day late: red on both lists
        reply_item = next(i for i in todo_for(cast.officer).items if i.kind == "reply_instruction")
        assert reply_item.light == "red" and reply_item.url.endswith("#instructions")
        assert todo_for(cast.leader).items[0].workdays_left == -1
        do_reply_instruction(instruction, actor=cast.officer, text="已清退全部费用，并在全县开展排查。")
        assert titles(cast.leader) == [f"{problem.number} 基础教育股已回复批示（逾期回复）"]
        assert f"{problem.number} 基础教育股已回复批示（逾期回复）" in titles(cast.coordinator)
        assert "办理情况：已清退全部费用" in Notification.objects.filter(recipient=cast.leader).get().body
        assert "reply_instruction" not in todo_for(cast.officer).counts and todo_for(cast.leader).counts == {}
        verbs = list(AuditEvent.objects.filter(problem=problem).values_list("verb", flat=True))
        assert verbs[-2:] == [Verb.INSTRUCTION_GIVEN, Verb.INSTRUCTION_REPLIED]


def test_bad_instructions_and_replies_are_refused_and_change_nothing(
    cast: SimpleNamespace, make_problem: MakeProblem
) -> None:
    with time_machine.travel(at(D(2026, 11, 2), 8, 30), tick=False):
        problem = make_problem(Status.ASSIGNED)
        new = make_problem(Status.NEW)
        before = AuditEvent.objects.count(), Notification.objects.count()
        for person in (cast.coordinator, cast.officer, cast.discipline, cast.admin):
            with pytest.raises(NotAllowed, match="只有局领导可以作出批示"):
                do_give_instruction(problem, actor=person, text="抓紧办理。")
        with pytest.raises(ActionError, match="尚未交办或已经销号"):
            do_give_instruction(new, actor=cast.leader, text="抓紧办理。")
        with pytest.raises(ActionError, match="请填写批示内容") as empty:
            do_give_instruction(problem, actor=cast.leader, text="  ")
        assert empty.value.field_errors == {"text": ["请填写批示内容。"]}
        with pytest.raises(ActionError, match="不能超过 2000 字"):
            do_give_instruction(problem, actor=cast.leader, text="抓" * 2001)
        for day in (D(2026, 11, 1), D(2027, 3, 1)):
            with pytest.raises(ActionError, match="回复时限须在今天到"):
                do_give_instruction(problem, actor=cast.leader, text="抓紧办理。", reply_due_on=day)
        assert not Instruction.objects.exists()
        assert (AuditEvent.objects.count(), Notification.objects.count()) == before

        instruction = do_give_instruction(problem, actor=cast.leader, text="抓紧办理。", reply_due_on=D(2026, 11, 3))
        before = AuditEvent.objects.count(), Notification.objects.count()
        for outsider in (cast.other_officer, cast.coordinator, cast.leader):  # a co-unit, the bureau, the author
            with pytest.raises(NotAllowed, match="只有批示所交办的单位可以回复该批示"):
                do_reply_instruction(instruction, actor=outsider, text="已办理。")
        with pytest.raises(ActionError, match="请填写办理情况"):
            do_reply_instruction(instruction, actor=cast.officer, text="")
        assert (AuditEvent.objects.count(), Notification.objects.count()) == before
        do_reply_instruction(instruction, actor=cast.unit_head, text="已约谈涉事教师。")
        with pytest.raises(ActionError, match="该批示已于2026年11月2日回复"):
            do_reply_instruction(instruction, actor=cast.officer, text="再补充一点。")
        assert Instruction.objects.get().reply == "已约谈涉事教师。"


def test_the_problem_page_shows_and_takes_instructions(
    client: Client, cast: SimpleNamespace, make_problem: MakeProblem
) -> None:
    problem = make_problem(Status.RECTIFYING)
    page = reverse("problem_detail", args=[problem.pk])
    client.force_login(cast.leader)
    assert "作出批示" in client.get(page).content.decode()
    response = client.post(
        reverse("supervision_instruction_give", args=[problem.pk]), {"instruction-text": "请一周内办结。"}
    )
    assert response.status_code == 302 and response["Location"].endswith("#instructions")
    instruction = Instruction.objects.get()
    refused = client.post(reverse("supervision_instruction_give", args=[problem.pk]), {"instruction-text": ""})
    assert refused.status_code == 400 and Instruction.objects.count() == 1

    client.force_login(cast.other_officer)  # the co-unit reads it (the work is shared) but does not answer it
    html = client.get(page).content.decode()
    assert "请一周内办结" in html and "提交办理情况" not in html
    reply_url = reverse("supervision_instruction_reply", args=[instruction.pk])
    assert client.post(reply_url, {f"instruction_reply_{instruction.pk}-text": "已办。"}).status_code == 403
    client.force_login(school_officer(cast))  # a unit the problem is not about sees nothing of it
    assert client.post(reply_url, {f"instruction_reply_{instruction.pk}-text": "已办。"}).status_code == 404

    client.force_login(cast.officer)
    html = client.get(page).content.decode()
    assert "吴局长批示" in html and "请一周内办结" in html and "提交办理情况" in html and "作出批示" not in html
    response = client.post(reply_url, {f"instruction_reply_{instruction.pk}-text": "已于本周办结。"})
    assert response.status_code == 302
    client.force_login(cast.leader)
    html = client.get(page).content.decode()
    assert "回复办理情况：" in html and "已于本周办结。" in html and "提交办理情况" not in html


def test_instructions_through_the_api(client: Client, cast: SimpleNamespace, make_problem: MakeProblem) -> None:
    problem = make_problem(Status.ASSIGNED)
    url = f"/api/v1/supervision/problems/{problem.pk}/instructions"
    client.force_login(cast.coordinator)
    refused = client.post(url, {"text": "抓紧。"}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["detail"] == "只有局领导可以作出批示。"
    client.force_login(cast.leader)
    created = client.post(url, {"text": "抓紧办理。", "reply_due_on": "2099-01-01"}, content_type="application/json")
    assert created.status_code == 400 and "回复时限须在今天到" in created.json()["detail"]
    created = client.post(url, {"text": "抓紧办理。"}, content_type="application/json")
    assert created.status_code == 200
    body = created.json()
    assert body["author_name"] == "吴局长" and body["unit"]["name"] == "基础教育股" and body["replied_at"] is None

    reply = f"/api/v1/supervision/instructions/{body['id']}/reply"
    client.force_login(cast.other_officer)  # the co-unit
    assert [i["id"] for i in client.get(url).json()] == [body["id"]]
    assert client.post(reply, {"text": "已办。"}, content_type="application/json").status_code == 403
    client.force_login(school_officer(cast))
    assert client.get(url).status_code == 404
    assert client.post(reply, {"text": "已办。"}, content_type="application/json").status_code == 404
    client.force_login(cast.officer)
    assert [i["id"] for i in client.get(url).json()] == [body["id"]]
    todo = client.get("/api/v1/todo").json()
    assert todo["counts"]["reply_instruction"] == 1
    answered = client.post(reply, {"text": "已约谈。"}, content_type="application/json")
    assert answered.status_code == 200 and answered.json()["reply"] == "已约谈。"
    again = client.post(reply, {"text": "再补充。"}, content_type="application/json")
    assert again.status_code == 400 and "该批示已于" in again.json()["detail"]
