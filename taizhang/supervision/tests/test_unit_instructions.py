"""领导批示 on a unit (not a problem), written from the 驾驶舱: delivered to the unit's 待办 and inbox, tracked against
its reply date in both 待办 lists and the leader's list, answered once by the unit; every refusal is in Chinese and
writes nothing. A 批示 on a problem stays on the problem's timeline."""

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
from taizhang.supervision.instructions import do_give_instruction, do_give_unit_instruction, do_reply_instruction
from taizhang.supervision.models import Instruction, Notification
from taizhang.supervision.tests.helpers import at
from taizhang.web.todo import todo_for

D = dt.date
MakeProblem = Callable[..., Problem]
API = "/api/v1/supervision"


def school_officer(cast: SimpleNamespace) -> User:
    user, _created = User.objects.get_or_create(
        username="school", defaults={"full_name": "冯老师", "role": Role.UNIT_OFFICER, "unit": cast.school}
    )
    return user


def titles(user: User) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("id").values_list("title", flat=True))


def written() -> tuple[int, int, int]:
    return Instruction.objects.count(), AuditEvent.objects.count(), Notification.objects.count()


def test_it_delivers_tracks_and_answers_a_unit_instruction(cast: SimpleNamespace) -> None:
    with time_machine.travel(at(D(2026, 11, 2), 8, 30), tick=False) as traveller:
        instruction = do_give_unit_instruction(
            cast.basic, actor=cast.leader, text="超期问题较多，请股室负责人牵头清理。"
        )
        assert (instruction.problem, instruction.unit, instruction.reply_due_on) == (None, cast.basic, D(2026, 11, 5))
        for person in (cast.officer, cast.unit_head):
            assert titles(person) == ["领导批示，请于2026年11月5日前回复办理情况"]
        assert titles(cast.coordinator) == ["领导对基础教育股的批示"]
        assert titles(cast.other_officer) == [] and titles(cast.leader) == []
        event = AuditEvent.objects.get(verb=Verb.INSTRUCTION_GIVEN)
        assert (
            event.problem is None and event.data["unit"] == cast.basic.pk and "吴局长对基础教育股批示" in event.summary
        )

        item = todo_for(cast.officer).items[0]
        assert (item.kind, item.title, item.due, item.light) == (
            "reply_instruction",
            "对基础教育股的批示",
            D(2026, 11, 5),
            "green",
        )
        assert item.url == reverse("supervision_instruction", args=[instruction.pk]) and item.problem_id is None
        waiting = todo_for(cast.leader).items[0]
        assert waiting.kind == "instruction_awaiting" and waiting.detail.startswith("基础教育股：超期问题较多")
        assert todo_for(cast.other_officer).counts == {}

        traveller.move_to(at(D(2026, 11, 6), 9))  # a day late: red on both lists
        assert instruction.state_on(D(2026, 11, 6)) == "overdue"
        assert todo_for(cast.unit_head).items[0].light == "red" and todo_for(cast.leader).items[0].workdays_left == -1
        do_reply_instruction(instruction, actor=cast.unit_head, text="已召开专题会，逐件明确时限，本周内清理完毕。")
        assert titles(cast.leader) == ["基础教育股已回复批示（逾期回复）"]
        assert "办理情况：已召开专题会" in Notification.objects.get(recipient=cast.leader).body
        assert todo_for(cast.leader).counts == {} and todo_for(cast.officer).counts == {}
        replied = AuditEvent.objects.get(verb=Verb.INSTRUCTION_REPLIED)
        assert replied.problem is None and "（逾期回复）" in replied.summary
        instruction.refresh_from_db()
        assert instruction.state_on(D(2026, 11, 6)) == "replied" and instruction.replied_by == cast.unit_head


def test_bad_unit_instructions_and_replies_are_refused_and_write_nothing(cast: SimpleNamespace) -> None:
    with time_machine.travel(at(D(2026, 11, 2), 8, 30), tick=False):
        before = written()
        for person in (cast.coordinator, cast.officer, cast.unit_head, cast.discipline, cast.admin, cast.inspector):
            with pytest.raises(NotAllowed, match="只有局领导可以作出批示"):
                do_give_unit_instruction(cast.basic, actor=person, text="抓紧办理。")
        with pytest.raises(ActionError, match="请填写批示内容"):
            do_give_unit_instruction(cast.basic, actor=cast.leader, text=" \n ")
        with pytest.raises(ActionError, match="不能超过 2000 字"):
            do_give_unit_instruction(cast.basic, actor=cast.leader, text="抓" * 2001)
        with pytest.raises(ActionError, match="回复时限须在今天到"):
            do_give_unit_instruction(cast.basic, actor=cast.leader, text="抓紧办理。", reply_due_on=D(2026, 11, 1))
        for unit in (cast.bureau, cast.inspector.unit):  # nobody there answers as a unit
            with pytest.raises(ActionError, match="批示对象须为股室、学校或幼儿园"):
                do_give_unit_instruction(unit, actor=cast.leader, text="抓紧办理。")
        cast.safety.is_active = False
        cast.safety.save(update_fields=["is_active"])
        with pytest.raises(ActionError, match="安全稳定股已停用"):
            do_give_unit_instruction(cast.safety, actor=cast.leader, text="抓紧办理。")
        assert written() == before

        instruction = do_give_unit_instruction(cast.basic, actor=cast.leader, text="抓紧" * 1000)  # 2000: the limit
        before = written()
        for outsider in (school_officer(cast), cast.coordinator, cast.leader):
            with pytest.raises(NotAllowed, match="只有批示所交办的单位可以回复该批示"):
                do_reply_instruction(instruction, actor=outsider, text="已办理。")
        with pytest.raises(ActionError, match="请填写办理情况"):
            do_reply_instruction(instruction, actor=cast.officer, text="")
        assert written() == before
        do_reply_instruction(instruction, actor=cast.officer, text="已办理。")
        with pytest.raises(ActionError, match="该批示已于2026年11月2日回复"):
            do_reply_instruction(instruction, actor=cast.unit_head, text="再补充。")
        assert Instruction.objects.get().reply == "已办理。"


def test_a_unit_instruction_is_read_by_the_bureau_and_the_unit_only(
    cast: SimpleNamespace, make_problem: MakeProblem
) -> None:
    from taizhang.supervision.instructions import instructions_listed_for, instructions_visible_to

    on_unit = do_give_unit_instruction(cast.basic, actor=cast.leader, text="请加快进度。")
    on_problem = do_give_instruction(make_problem(Status.ASSIGNED), actor=cast.leader, text="请尽快签收。")
    for person in (cast.leader, cast.coordinator, cast.inspector, cast.discipline, cast.admin):
        assert set(instructions_visible_to(person)) == {on_unit, on_problem}
    assert set(instructions_visible_to(cast.officer)) == {on_unit, on_problem}
    assert set(instructions_visible_to(cast.other_officer)) == {on_problem}  # the co-unit of the problem only
    assert list(instructions_visible_to(school_officer(cast))) == []
    assert list(instructions_listed_for(cast.other_officer)) == []  # its list: what is addressed to it


def test_unit_instructions_through_the_api(client: Client, cast: SimpleNamespace) -> None:
    url = f"{API}/units/{cast.basic.pk}/instructions"
    client.force_login(cast.coordinator)
    refused = client.post(url, {"text": "抓紧。"}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["detail"] == "只有局领导可以作出批示。"
    client.force_login(cast.leader)
    for payload, status, detail in [
        ({"text": ""}, 400, "请填写批示内容。"),
        ({"text": "抓" * 2001}, 400, "内容不能超过 2000 字。"),
        ({"text": "抓紧。", "reply_due_on": "2099-01-01"}, 400, "回复时限须在今天到"),
    ]:
        answer = client.post(url, payload, content_type="application/json")
        assert answer.status_code == status and detail in answer.json()["detail"]
    unknown = client.post(f"{API}/units/99999/instructions", {"text": "抓紧。"}, content_type="application/json")
    assert unknown.status_code == 404 and unknown.json()["detail"] == "单位不存在：99999"
    bureau = client.post(
        f"{API}/units/{cast.bureau.pk}/instructions", {"text": "抓紧。"}, content_type="application/json"
    )
    assert bureau.status_code == 400 and "批示对象须为股室、学校或幼儿园" in bureau.json()["detail"]
    assert not Instruction.objects.exists()

    created = client.post(url, {"text": "请本周内清理超期问题。"}, content_type="application/json")
    assert created.status_code == 200
    body = created.json()
    assert (body["level"], body["problem_id"], body["unit"]["name"], body["state"]) == (
        "unit",
        None,
        "基础教育股",
        "waiting",
    )
    assert [i["id"] for i in client.get(url).json()] == [body["id"]]
    mine = client.get(f"{API}/instructions?state=waiting").json()
    assert mine["count"] == 1 and mine["items"][0]["id"] == body["id"]
    assert client.get(f"{API}/instructions?state=replied").json()["count"] == 0
    assert client.get(f"{API}/instructions?state=bogus").status_code == 422

    reply = f"{API}/instructions/{body['id']}/reply"
    client.force_login(school_officer(cast))  # another unit: it does not exist for them
    assert client.get(url).status_code == 404
    assert client.get(f"{API}/instructions").json()["count"] == 0
    assert client.post(reply, {"text": "已办。"}, content_type="application/json").status_code == 404
    client.force_login(cast.coordinator)  # reads it, does not answer it
    assert client.post(reply, {"text": "已办。"}, content_type="application/json").status_code == 403
    client.force_login(cast.officer)
    assert client.get("/api/v1/todo").json()["counts"]["reply_instruction"] == 1
    empty = client.post(reply, {"text": " "}, content_type="application/json")
    assert empty.status_code == 400 and empty.json()["detail"] == "请填写办理情况。"
    answered = client.post(reply, {"text": "已逐件明确时限。"}, content_type="application/json")
    assert answered.status_code == 200 and answered.json()["state"] == "replied"
    again = client.post(reply, {"text": "再补充。"}, content_type="application/json")
    assert again.status_code == 400 and "该批示已于" in again.json()["detail"]
    assert Instruction.objects.get().reply == "已逐件明确时限。"
    client.force_login(cast.leader)
    assert client.get(f"{API}/instructions?state=replied&level=unit").json()["count"] == 1


def test_the_pages_give_list_and_answer_a_unit_instruction(client: Client, cast: SimpleNamespace) -> None:
    form_url = reverse("supervision_unit_instruction", args=[cast.basic.pk])
    back = f"/dashboard/?unit={cast.basic.pk}"
    client.force_login(cast.coordinator)
    assert client.get(form_url).status_code == 403
    assert client.post(form_url, {"instruction-text": "抓紧。"}).status_code == 403
    client.force_login(cast.leader)
    assert client.get(reverse("supervision_unit_instruction", args=[99999])).status_code == 404
    assert (
        "批示对象须为股室、学校或幼儿园"
        in client.get(reverse("supervision_unit_instruction", args=[cast.bureau.pk])).content.decode()
    )
    page = client.get(form_url + f"?next={back}")
    assert page.status_code == 200 and "批示给基础教育股" in page.content.decode()
    empty = client.post(form_url, {"instruction-text": "", "next": back})
    assert empty.status_code == 400 and "请填写批示内容。" in empty.content.decode()
    too_long = client.post(form_url, {"instruction-text": "抓" * 2001, "next": back})
    assert too_long.status_code == 400 and "不能超过 2000 字" in too_long.content.decode()
    assert not Instruction.objects.exists()
    away = client.post(form_url, {"instruction-text": "请清理超期问题。", "next": "https://example.com/"})
    instruction = Instruction.objects.get()
    assert away.status_code == 302 and away["Location"] == reverse("supervision_instruction", args=[instruction.pk])
    sent = client.post(form_url, {"instruction-text": "请本周内报告进展。", "next": back})
    assert sent.status_code == 302 and sent["Location"] == back

    html = client.get(back).content.decode()  # the unit's dashboard: its 批示 and the form
    assert "对基础教育股的领导批示" in html and "请本周内报告进展。" in html and "批示给基础教育股" in html
    listed = client.get(reverse("supervision_instructions")).content.decode()
    assert "我的批示" in listed and listed.count("待回复</span>") == 2

    detail = reverse("supervision_instruction", args=[instruction.pk])
    reply_url = reverse("supervision_instruction_reply", args=[instruction.pk])
    field = f"instruction_reply_{instruction.pk}-text"
    client.force_login(school_officer(cast))
    assert client.get(detail).status_code == 404
    assert client.post(reply_url, {field: "已办。"}).status_code == 404
    assert "对基础教育股的领导批示" not in client.get("/dashboard/").content.decode()
    client.force_login(cast.coordinator)
    assert client.post(reply_url, {field: ""}).status_code == 403  # who, before what was typed

    client.force_login(cast.officer)
    html = client.get("/dashboard/").content.decode()  # its own dashboard, with the reply form
    assert "请清理超期问题。" in html and "提交办理情况" in html and "批示给基础教育股" not in html
    assert client.post(reply_url, {field: " "}).status_code == 400
    answered = client.post(reply_url, {field: "已清理完毕。"})
    assert answered.status_code == 302 and answered["Location"] == detail
    html = client.get(detail).content.decode()
    assert "回复办理情况：" in html and "已清理完毕。" in html and "提交办理情况" not in html
    assert client.post(reply_url, {field: "再补充。"}).status_code == 400
    client.force_login(cast.leader)
    replied = client.get(reverse("supervision_instructions") + "?state=replied").content.decode()
    assert "已清理完毕。" in replied and "请本周内报告进展" not in replied


def test_a_problem_instruction_stays_on_the_problem(
    client: Client, cast: SimpleNamespace, make_problem: MakeProblem
) -> None:
    problem = make_problem(Status.RECTIFYING)
    on_problem = do_give_instruction(problem, actor=cast.leader, text="请一周内办结。")
    do_give_unit_instruction(cast.basic, actor=cast.leader, text="请清理超期问题。")
    client.force_login(cast.officer)
    html = client.get(reverse("problem_detail", args=[problem.pk])).content.decode()
    assert "请一周内办结" in html and "请清理超期问题" not in html
    assert "请一周内办结" not in client.get("/dashboard/").content.decode()
    detail = client.get(reverse("supervision_instruction", args=[on_problem.pk]))
    assert detail.status_code == 302 and detail["Location"].endswith(f"/problems/{problem.pk}/#instructions")
