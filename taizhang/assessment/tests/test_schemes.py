"""Schemes: every edit is a new version; a published ranking and any past ranking stay as they were; bad
definitions are refused in Chinese and write nothing."""

from __future__ import annotations

import copy
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from taizhang.accounts.models import Unit
from taizhang.assessment import actions
from taizhang.assessment.models import Ranking, Scheme, SchemeVersion
from taizhang.assessment.ranking import compute
from taizhang.assessment.tests.conftest import SCHEME, version_of
from taizhang.audit.models import AuditEvent, Verb
from taizhang.errors import ActionError, NotAllowed
from taizhang.lib.scoring import parse_period

Q4 = parse_period("2026-Q4")


def test_editing_a_scheme_never_rewrites_a_past_ranking(cast: SimpleNamespace, ledger: Any, client: Client) -> None:
    v1 = version_of(ledger)
    published = actions.do_publish_ranking(v1, Q4, actor=cast.coordinator)
    frozen = copy.deepcopy(published.rows)
    revised = {**SCHEME, "indicators": [{"code": "appraisal", "weight": 100}], "star_bands": [1]}
    v2 = actions.do_save_scheme(v1.scheme, actor=cast.coordinator, name=v1.scheme.name, definition=revised)

    assert (v2.number, Scheme.objects.get().current_number) == (2, 2)
    assert SchemeVersion.objects.get(pk=v1.pk).definition == v1.definition  # the old version is untouched
    assert Ranking.objects.get(pk=published.pk).rows == frozen
    assert compute(SchemeVersion.objects.get(pk=v1.pk), Q4) == frozen  # reproduced exactly from the same data
    assert compute(v2, Q4) != frozen
    client.force_login(cast.leader)
    answer = client.get(
        "/api/v1/assessment/rankings", {"scheme": str(v1.scheme_id), "period": "2026-Q4", "version": "1"}
    )
    assert answer.json()["groups"] == frozen["groups"]
    assert (
        client.get("/api/v1/assessment/rankings", {"scheme": str(v1.scheme_id), "period": "2026-Q4"}).json()["version"]
        == 2
    )
    assert AuditEvent.objects.filter(verb=Verb.SCHEME_SAVED).count() == 2
    assert AuditEvent.objects.filter(verb=Verb.RANKING_PUBLISHED).count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"indicators": [{"code": "on_time_rate", "weight": 60}, {"code": "closure_rate", "weight": 30}]},
            "各项指标权重之和须为 100，现为 90。",
        ),
        ({"indicators": []}, "请至少选择一项考核指标并设置权重。"),
        ({"indicators": [{"code": "typed_total", "weight": 100}]}, "未知的考核指标：typed_total。"),
        ({"groups": []}, "请至少设置一个单位分组。"),
        ({"groups": [{"name": "幼儿园", "kinds": ["kindergarten"]}]}, "单位分组“幼儿园”没有启用的单位。"),
        ({"star_bands": [20, 10]}, "星级名次须为递增的正整数，最多 4 档。"),
        ({"period_kind": "week"}, "请选择考核周期（月度、季度、年度或自定义）。"),
    ],
)
def test_a_bad_scheme_is_refused_with_a_clear_message(
    cast: SimpleNamespace, change: dict[str, Any], message: str
) -> None:
    with pytest.raises(ActionError) as refused:
        actions.do_save_scheme(None, actor=cast.coordinator, name="方案", definition={**SCHEME, **change})
    assert message in refused.value.message
    assert not Scheme.objects.exists() and not AuditEvent.objects.filter(verb=Verb.SCHEME_SAVED).exists()


def test_only_the_coordinator_or_admin_writes_a_scheme(cast: SimpleNamespace) -> None:
    for user in (cast.leader, cast.officer, cast.unit_head, cast.inspector):
        with pytest.raises(NotAllowed):
            actions.do_save_scheme(None, actor=user, name="方案", definition=SCHEME)
    assert actions.do_save_scheme(None, actor=cast.admin, name="方案", definition=SCHEME).number == 1


def test_the_editor_saves_a_new_version_and_shows_mistakes_in_chinese(cast: SimpleNamespace, client: Client) -> None:
    client.force_login(cast.coordinator)
    form = {
        "name": "季度考核",
        "period_kind": "quarter",
        "star_bands": "1,2",
        "bottom_flagged": "1",
        "weight_on_time_rate": "50",
        "weight_appraisal": "40",
        "group_office": "股室",
        "group_school": "学校",
    }
    page = client.post("/assessment/schemes/new/", form)
    assert page.status_code == 400
    assert "各项指标权重之和须为 100，现为 90。" in page.content.decode()
    page = client.post("/assessment/schemes/new/", {**form, "weight_appraisal": "50", "points_red_card": "2"})
    scheme = Scheme.objects.get()
    assert page.status_code == 302 and page["Location"] == f"/assessment/schemes/{scheme.pk}/ranking/"
    definition = SchemeVersion.objects.get().definition
    assert definition["indicators"] == [{"code": "on_time_rate", "weight": 50}, {"code": "appraisal", "weight": 50}]
    assert definition["groups"] == [{"name": "股室", "kinds": ["office"]}, {"name": "学校", "kinds": ["school"]}]
    assert definition["deductions"] == [{"code": "red_card", "points": 2, "cap": 0}]
    edit = client.get(f"/assessment/schemes/{scheme.pk}/edit/")
    assert 'value="50' in edit.content.decode()
    client.post(
        f"/assessment/schemes/{scheme.pk}/edit/", {**form, "weight_on_time_rate": "60", "weight_appraisal": "40"}
    )
    assert list(SchemeVersion.objects.values_list("number", flat=True).order_by("number")) == [1, 2]
    client.force_login(cast.leader)
    assert client.get("/assessment/schemes/new/").status_code == 403


def test_a_group_whose_units_were_all_disabled_later_shows_an_empty_state(cast: SimpleNamespace, ledger: Any) -> None:
    Unit.objects.filter(kind__in=["school", "kindergarten"]).update(is_active=False)
    result = compute(version_of(ledger), Q4)
    schools = next(g for g in result["groups"] if g["name"] == "学校")
    assert schools["units"] == [] and schools["empty"] == "该分组目前没有启用的单位。"
