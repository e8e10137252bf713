"""Learning the dispatch catalogue and the kinds of registry units from coordinators' decisions."""

from taizhang.lib import triage
from taizhang.lib.entities import EntityCatalogue
from taizhang.triage import engine

FEES = "{}课后服务每学期收费五百元，收费标准没有公示，要求退费。"
SAFETY = "{}校门口接送秩序混乱，存在安全隐患。"
PRIVATE = triage.DispatchRule("illegal_fees", "private", "民办教育管理股")


def registry() -> EntityCatalogue:
    cat = EntityCatalogue()
    cat.add_units(
        [
            ("青溪县实验小学", "实验小学", "school"),
            ("青溪县第二实验小学", "二实小", "school"),
            ("青溪县博文学校", "博文学校", "school"),
        ]
    )
    return cat


def decisions() -> list[triage.Labelled]:
    """A private school the registry files as a school: every decision about it went to 民办教育管理股."""
    return [
        *(triage.Labelled(FEES.format("青溪县博文学校"), "illegal_fees", "民办教育管理股") for _ in range(5)),
        *(triage.Labelled(SAFETY.format("博文学校"), "campus_safety", "民办教育管理股") for _ in range(3)),
        *(triage.Labelled(FEES.format("学校"), "illegal_fees", "民办教育管理股", "青溪县博文学校") for _ in range(2)),
    ]


def test_it_learns_decisions_about_one_place_as_a_rule_for_that_place_only() -> None:
    cat = registry()
    learned = engine.learn_dispatch(decisions(), catalogue=cat)
    bowen = cat.units["青溪县博文学校"]
    assert learned[("illegal_fees", "school", bowen)] == ("民办教育管理股", 7)
    assert ("illegal_fees", "school", "") not in learned


def test_it_learns_a_rule_for_a_kind_of_place_from_several_places() -> None:
    examples = [
        triage.Labelled(FEES.format(name), "illegal_fees", "计划财务股")
        for name in ("青溪县实验小学", "二实小", "博文学校")
        for _ in range(2)
    ]
    learned = engine.learn_dispatch(examples, catalogue=registry())
    assert learned[("illegal_fees", "school", "")] == ("计划财务股", 6)


def test_it_learns_which_registry_schools_are_handled_as_private_ones() -> None:
    cat = registry()
    public = [triage.Labelled(FEES.format("青溪县实验小学"), "illegal_fees", "计划财务股") for _ in range(8)]
    kinds = engine.learn_place_kinds([*decisions(), *public], cat, [PRIVATE])
    assert kinds == {cat.units["青溪县博文学校"]: "private"}
    assert engine.learn_place_kinds(decisions(), cat, []) == {}


def test_it_keeps_the_fingerprint_of_examples_without_a_concerned_unit() -> None:
    plain = [triage.Labelled("实验小学乱收费", "illegal_fees", "计划财务股")]
    placed = [triage.Labelled("实验小学乱收费", "illegal_fees", "计划财务股", "青溪县实验小学")]
    assert engine.fingerprint(plain, []) == engine.fingerprint(plain, [], {})
    assert engine.fingerprint(placed, []) != engine.fingerprint(plain, [])
    assert engine.fingerprint(plain, [], {"博文|校": "private"}) != engine.fingerprint(plain, [])


def test_a_unit_flagged_private_in_the_registry_is_read_as_a_private_place(cast: object) -> None:
    from taizhang.accounts.models import Unit, UnitKind

    bureau = Unit.objects.get(kind=UnitKind.BUREAU)
    Unit.objects.create(
        name="青溪县博文学校", short_name="博文学校", kind=UnitKind.SCHOOL, parent=bureau, is_private=True
    )
    Unit.objects.create(name="青溪县城东小学", short_name="城东小学", kind=UnitKind.SCHOOL, parent=bureau)
    cat = engine.registry_catalogue()
    prep = triage.prepare([FEES.format("博文学校"), FEES.format("城东小学")], cat)
    assert prep.kinds == ["private", "school"]
