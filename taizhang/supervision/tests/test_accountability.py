"""问责: sanctions on people or units, the 捆绑式 rule, and self-found vs exposed beside each."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import time_machine
from django.test import Client
from django.urls import reverse

from taizhang.audit.models import AuditEvent, Verb
from taizhang.supervision.models import Accountability, BundleRole
from taizhang.supervision.scheduler import sweep
from taizhang.supervision.tests.helpers import approve_drafts, assign, at, new_problem

D = dt.date


def test_it_records_a_sanction_and_binds_the_unit_head_and_deputy(client: Client, cast: SimpleNamespace) -> None:
    cast.basic.head, cast.basic.deputy = cast.unit_head, cast.coordinator2
    cast.basic.save(update_fields=["head", "deputy"])
    with time_machine.travel(at(D(2026, 11, 2)), tick=False) as traveller:
        problem = assign(cast, new_problem(cast), milestone_on=D(2026, 11, 3))
        traveller.move_to(at(D(2026, 11, 19)))
        sweep()
        (criticism,) = approve_drafts(cast)
        client.force_login(cast.discipline)
        response = client.post(
            reverse("supervision_accountability"),
            {
                "unit": cast.basic.pk,
                "person": cast.officer.pk,
                "sanction": "efficiency_warning",
                "reason": "督办后仍未整改",
                "decided_on": "2026-11-19",
                "decision_number": " 青纪〔2026〕12号 ",
                "problem_number": problem.number,
                "document_number": criticism.doc_number,
            },
        )
    assert response.status_code == 302
    rows = {r.bundle_role: r for r in Accountability.objects.all()}
    assert set(rows) == {BundleRole.DIRECT, BundleRole.HEAD, BundleRole.DEPUTY}
    assert rows[BundleRole.HEAD].person == cast.unit_head and rows[BundleRole.HEAD].bundled_with == rows["direct"]
    assert all(r.problem == problem and r.action == criticism for r in rows.values())
    assert {r.decision_number for r in rows.values()} == {"青纪〔2026〕12号"}  # the discipline office's own number
    event = AuditEvent.objects.get(verb=Verb.ACCOUNTABILITY_RECORDED, problem=problem)
    assert "青纪〔2026〕12号" in event.summary
    client.force_login(cast.leader)
    html = client.get(reverse("supervision_accountability")).content.decode()
    assert "主要负责人（捆绑）" in html and "他人反映" in html and criticism.doc_number in html
    assert "青纪〔2026〕12号" in html


def test_it_refuses_an_incomplete_record_and_other_roles(client: Client, cast: SimpleNamespace) -> None:
    client.force_login(cast.discipline)
    response = client.post(
        reverse("supervision_accountability"),
        {
            "unit": cast.basic.pk,
            "sanction": "no_awards",
            "reason": "x",
            "decided_on": "2026-11-19",
            "problem_number": "NOPE",
        },
    )
    assert response.status_code == 400 and "问题编号" in response.content.decode()
    assert not Accountability.objects.exists()
    client.force_login(cast.officer)
    assert client.get(reverse("supervision_accountability")).status_code == 403
    client.force_login(cast.coordinator)  # reads, but has no form
    assert "新增问责记录" not in client.get(reverse("supervision_accountability")).content.decode()


def test_a_unit_does_not_read_its_accountability_on_the_problems_timeline(cast: SimpleNamespace) -> None:
    """问责 is closed to units (its page answers 403): the problem's page and API must not show it either."""
    from taizhang.supervision.actions import do_record_accountability

    with time_machine.travel(at(D(2026, 11, 2)), tick=False):
        problem = assign(cast, new_problem(cast), milestone_on=D(2026, 11, 3))
        do_record_accountability(
            actor=cast.discipline,
            unit=cast.basic,
            person=cast.officer,
            sanction="efficiency_warning",
            reason="督办后仍未整改",
            decided_on=D(2026, 11, 2),
            problem=problem,
        )
        for user, sees in ((cast.officer, False), (cast.unit_head, False), (cast.coordinator, True)):
            client = Client()
            client.force_login(user)
            page = client.get(reverse("problem_detail", args=[problem.pk])).content.decode()
            api = client.get(f"/api/v1/problems/{problem.pk}").json()
            verbs = [e["verb"] for e in api["timeline"]]
            assert ("记录问责" in page) is sees, user.username
            assert (Verb.ACCOUNTABILITY_RECORDED in verbs) is sees, user.username
