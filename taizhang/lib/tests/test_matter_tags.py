"""What tells two matters at one school apart, and the offices whose remit is plain from a few words."""

import numpy as np

from taizhang.lib import triage
from taizhang.lib.entities import EntityCatalogue


def test_it_names_facets_and_people_but_not_subjects() -> None:
    assert triage.matter_tags("学校食堂的饭菜太贵，杨校长不管") == ["事:伙食", "人:杨校长"]
    assert triage.matter_tags("数学老师周末在家办补习班收费") == ["事:补课"]


def test_two_matters_at_one_school_stay_apart_and_one_matter_holds_together() -> None:
    tags = triage.tag_matrix(
        [
            triage.matter_tags("一中化学实验室药品柜没有上锁"),
            triage.matter_tags("一中校长长期不在岗，有事找不到人"),
            triage.matter_tags("一中实验室通风橱坏了一学期"),
            triage.matter_tags("一中的事情没人管"),
        ]
    )
    evidence = triage.matter_evidence(tags)
    assert evidence[0, 1] < 0 < evidence[0, 2]
    assert evidence[0, 3] == 0  # nothing to compare: neither for nor against
    assert np.allclose(evidence, evidence.T)


def test_training_institutions_are_places() -> None:
    catalogue = EntityCatalogue()
    texts = ["华英教育卷款跑路了", "华英教育老板电话打不通", "县教育局什么时候处理"]
    scans = catalogue.fit(texts)
    assert [m.key for m in scans[0] if m.kind == "institution"] == ["华英|机构"]
    assert not [m for m in scans[2] if m.kind != "office"]


def test_exams_go_to_the_admissions_centre_and_private_institutions_to_their_office() -> None:
    assert triage.unit_prior("今年中考报名系统一直登不上", "school") == "招生考试中心"
    assert triage.unit_prior("期中考试后张榜排名", "school") is None
    assert triage.unit_prior("学费交了一年，机构关门了", "institution") == "民办教育管理股"
    assert triage.unit_prior("民办幼儿园入园要交一年保教费", "private") == "学前教育股"


def test_short_names_of_numbered_schools_are_places_and_hours_are_not() -> None:
    catalogue = EntityCatalogue()
    keys = [
        [m.key for m in catalogue.scan(t)]
        for t in ("城一小门口堵车", "县二幼收费", "民中宿舍漏雨", "一小时后", "十二小时")
    ]
    assert keys == [["1|小"], ["2|幼"], ["民族|中"], [], []]
