import numpy as np

from taizhang.lib import triage
from taizhang.lib.entities import EntityCatalogue
from taizhang.lib.opinion_synth import generate
from taizhang.lib.triage_eval import bcubed

_MODEL: list[triage.Model] = []


def model() -> triage.Model:
    if not _MODEL:
        examples = [triage.Labelled(o.text, o.category, o.unit) for o in generate(1500, seed=3)]
        _MODEL.append(triage.train(examples, version="t"))
    return _MODEL[0]


def test_it_generates_deterministic_clusters() -> None:
    first = list(generate(50, seed=1))
    assert first == list(generate(50, seed=1))
    assert len({o.cluster for o in first}) < 50


def test_it_groups_the_same_issue_at_the_same_school_and_splits_other_schools() -> None:
    texts = [
        "城南小学有老师在家有偿补课，每次一百元。",
        "举报城南小学数学老师周末在小区里办补习班收费。",
        "城北小学的老师在家里有偿补课。",
        "城南小学食堂饭菜里吃出虫子。",
    ]
    result = triage.analyse(model(), texts)
    g = result.groups
    assert g[0] == g[1]
    assert g[2] != g[0]
    assert g[3] != g[0]
    assert result.categories[0] == "paid_tutoring"
    assert result.categories[3] == "canteen"


def test_it_answers_each_line_and_reports_unusable_ones() -> None:
    result = triage.analyse(model(), ["", "hello world", "城南小学校服太贵", "😀"])
    assert result.prep.errors[0] and result.prep.errors[1] and result.prep.errors[3]
    assert result.prep.errors[2] is None
    assert len(result.categories) == 1


def test_it_ranks_the_existing_problem_that_names_the_same_school_first() -> None:
    m = model()
    index = triage.ProblemIndex.build(
        m,
        [
            ("A", ["城南小学老师在家有偿补课"]),
            ("B", ["城北小学老师在家有偿补课"]),
            ("C", ["城南小学食堂饭菜太贵"]),
        ],
    )
    prep = triage.prepare(["城南小学数学老师周末办补习班收钱"], EntityCatalogue(places=set(m.places)))
    x, _ = triage.tfidf(triage.hashed(prep.masked), index.idf)
    _xm, p = triage.classify(m, prep, [0])
    ranked = triage.rank_problems(index, x[0], p[0], [k.key for k in prep.mentions[0]])
    assert ranked[0].problem_id == "A"
    assert ranked[0].shared_places == ("城南|小",)


def test_it_lets_a_dispatch_rule_override_the_model() -> None:
    m = model()
    p = np.full((1, len(m.unit_clf.labels)), 1 / len(m.unit_clf.labels), dtype=np.float32)
    m2 = triage.Model(**{**m.__dict__, "dispatch": [triage.DispatchRule("canteen", "private", "民办教育管理股")]})
    out = triage.apply_dispatch(m2, p, ["private"], [None], ["canteen"])
    assert m.unit_clf.labels[int(out[0].argmax())] == "民办教育管理股"


def test_bcubed_is_one_for_identical_partitions_and_lower_when_merged() -> None:
    assert bcubed(["a", "a", "b"], [1, 1, 2])[2] == 1.0
    precision, recall, _f1 = bcubed(["a", "a", "b"], [1, 1, 1])
    assert recall == 1.0 and precision < 1.0


def test_key_terms_are_shared_words() -> None:
    assert "有偿补课" in triage.key_terms("老师在家有偿补课", "举报有偿补课的老师")


def _registry() -> EntityCatalogue:
    cat = EntityCatalogue()
    cat.add_units(
        [
            ("青溪县实验小学", "实验小学", "school"),
            ("青溪县第二实验小学", "二实小", "school"),
            ("青溪县博文学校", "博文学校", "school"),
        ]
    )
    return cat


def test_it_takes_the_concerned_unit_as_the_place_whatever_the_text_names() -> None:
    cat = _registry()
    cat.set_kinds({cat.units["青溪县博文学校"]: "private"})
    texts = [
        "学校课后服务收费没有公示。",
        "听说二实小也这样，实验小学课后服务收费没有公示。",
        "二实小课后服务收费没有公示。",
    ]
    prep = triage.prepare(texts, cat, concerned=["青溪县博文学校", "青溪县实验小学", None])
    bowen, shixiao, erxiao = (cat.units[n] for n in ("青溪县博文学校", "青溪县实验小学", "青溪县第二实验小学"))
    assert prep.keys == [bowen, shixiao, erxiao]
    assert prep.kinds == ["private", "school", "school"]
    assert prep.places(0) == [bowen] and prep.places(1) == [shixiao] and prep.places(2) == [erxiao]


def test_it_routes_by_the_kind_of_the_concerned_unit() -> None:
    m = model()
    routed = triage.Model(
        **{**m.__dict__, "dispatch": [triage.DispatchRule("illegal_fees", "private", "民办教育管理股")]}
    )
    cat = _registry()
    cat.set_kinds({cat.units["青溪县博文学校"]: "private"})
    text = "学校以课后服务名义每学期收费五百元，收费标准没有公示，要求退费。"
    result = triage.analyse(routed, [text, text], catalogue=cat, concerned=["青溪县博文学校", "青溪县实验小学"])
    assert result.categories == ["illegal_fees", "illegal_fees"]
    assert result.prep.kinds == ["private", "school"]
    assert result.units[0] == "民办教育管理股"
    assert result.units[1] != "民办教育管理股"


def test_it_matches_problems_by_the_concerned_unit_and_keeps_other_schools_apart() -> None:
    m = model()
    cat = _registry()
    problems = [
        ("a", ["青溪县第二实验小学课后服务收费没有公示。"]),
        ("b", ["学校课后服务收费没有公示，家长意见大。"]),
    ]
    index = triage.ProblemIndex.build(m, problems, catalogue=cat, places=[[], ["青溪县实验小学"]])
    assert index.keys[index.row["a"]] == frozenset({cat.units["青溪县第二实验小学"]})
    assert index.keys[index.row["b"]] == frozenset({cat.units["青溪县实验小学"]})
    prep = triage.prepare(["青溪县实验小学课后服务收费没有公示。"], _registry())
    x = triage.tfidf(triage.hashed(prep.masked), index.idf)[0]
    _x, p = triage.classify(m, prep, [0])
    best = triage.rank_problems(index, x[0], p[0], prep.places(0))[0]
    assert best.problem_id == "b" and best.shared_places == (cat.units["青溪县实验小学"],)


def test_a_model_stored_before_the_feature_scheme_is_not_used() -> None:
    import copy

    m = model()
    assert triage.current(m)
    old = copy.copy(m)
    del old.__dict__["features"]  # what unpickling a model saved by the earlier code gives
    assert not triage.current(old)
