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
