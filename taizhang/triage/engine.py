"""The triage model in use: trained from the repo's synthetic opinions plus coordinators' decisions, kept in the DB.

The default model needs no data from outside the repo (taizhang.lib.opinion_synth). Every confirmed decision
(an opinion linked to a problem that has a category and a lead unit) and every correction is added on
retraining; a retrain whose data has not changed is a no-op (same fingerprint), so it can run on a schedule.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from taizhang.accounts.models import Unit, UnitKind
from taizhang.clock import now
from taizhang.intake.models import Opinion, OpinionLink
from taizhang.lib import triage
from taizhang.lib.entities import EntityCatalogue
from taizhang.lib.opinion_synth import generate
from taizhang.problems.models import Category, Problem, Status
from taizhang.triage.models import Correction, DispatchRule, TriageModel

SYNTHETIC_OPINIONS = 4000
SYNTHETIC_SEED = 7
REBOUND_WINDOW = dt.timedelta(days=180)  # closed problems this recent are still matched (反弹)
MAX_INDEXED_PROBLEMS = 5000

_loaded: dict[str, triage.Model] = {}


def default_examples() -> list[triage.Labelled]:
    return [triage.Labelled(o.text, o.category, o.unit) for o in generate(SYNTHETIC_OPINIONS, seed=SYNTHETIC_SEED)]


def decided_examples() -> tuple[list[triage.Labelled], int]:
    """Confirmed triage decisions and corrections, newest wins per opinion; returns (examples, corrections)."""
    by_opinion: dict[int, triage.Labelled] = {}
    links = (
        OpinionLink.objects.filter(problem__lead_unit__kind=UnitKind.OFFICE)
        .select_related("opinion", "problem__category", "problem__lead_unit")
        .order_by("id")
    )
    for link in links.iterator(chunk_size=2000):
        problem = link.problem
        assert problem.lead_unit is not None
        by_opinion[link.opinion_id] = triage.Labelled(link.opinion.text, problem.category.code, problem.lead_unit.name)
    corrections = 0
    for c in Correction.objects.order_by("corrected_at", "id").iterator(chunk_size=2000):
        unit = c.unit or c.suggested_unit
        if unit:
            by_opinion[c.opinion_id] = triage.Labelled(c.text, c.category, unit)
            corrections += 1
    return list(by_opinion.values()), corrections


def fingerprint(examples: Sequence[triage.Labelled], rules: Sequence[triage.DispatchRule]) -> str:
    h = hashlib.sha256()
    for e in examples:
        h.update(f"{e.text}\x1f{e.category}\x1f{e.unit}\x1e".encode())
    for r in rules:
        h.update(f"{r.category}\x1f{r.kind}\x1f{r.entity}\x1f{r.unit}\x1e".encode())
    return h.hexdigest()


def dispatch_rules() -> list[triage.DispatchRule]:
    rules = DispatchRule.objects.filter(is_active=True).select_related("category", "unit").order_by("id")
    return [triage.DispatchRule(r.category.code, r.place_kind, r.unit.name, r.place) for r in rules]


def learn_dispatch(
    examples: Sequence[triage.Labelled], *, min_support: int = 3, share: float = 0.8
) -> dict[tuple[str, str], tuple[str, int]]:
    """(category, kind of place) → unit where coordinators decided the same way often enough."""
    prep = triage.prepare([e.text for e in examples], EntityCatalogue())
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for e, kind, err in zip(examples, prep.kinds, prep.errors, strict=True):
        if err is None and kind != "none":
            votes[(e.category, kind)][e.unit] += 1
    learned = {}
    for key, counter in votes.items():
        unit, n = counter.most_common(1)[0]
        if n >= min_support and n >= share * sum(counter.values()):
            learned[key] = (unit, n)
    return learned


def load(row: TriageModel) -> triage.Model:
    if row.version not in _loaded:
        _loaded.clear()
        _loaded[row.version] = pickle.loads(bytes(row.blob))
    return _loaded[row.version]


def default_model(*, train_if_missing: bool = True) -> triage.Model | None:
    """The model built from the repo's synthetic opinions alone, cached in this process and under var/.

    It depends only on the code, so its file is named by the code's fingerprint and shared by every database
    on this machine (tests, demo, a fresh install): no page view ever waits for it after the first build."""
    digest = fingerprint(default_examples(), [])
    version = f"default-{digest[:8]}"
    if version in _loaded:
        return _loaded[version]
    path = Path(settings.VAR_DIR) / f"triage-{version}.pickle"
    if path.exists():
        model: triage.Model = pickle.loads(path.read_bytes())  # our own file, written below
    elif train_if_missing:
        model = triage.train(default_examples(), version=version)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL))
        tmp.replace(path)
    else:
        return None
    _loaded.clear()
    _loaded[version] = model
    return model


def active_model(*, train_if_missing: bool = True) -> triage.Model | None:
    """The model in use: the newest retrained version, else the default one. Page views pass
    train_if_missing=False and show a notice instead of waiting for a first build."""
    row = TriageModel.objects.filter(is_active=True).first()
    if row is not None:
        return load(row)
    return default_model(train_if_missing=train_if_missing)


def require_model() -> triage.Model:
    model = active_model()
    assert model is not None
    return model


@dataclass
class ProblemSuggestion:
    problem: Problem
    score: float
    places: tuple[str, ...]

    @property
    def is_rebound(self) -> bool:
        return self.problem.status == Status.CLOSED


@dataclass
class OpinionSuggestion:
    model_version: str
    category: Category | None
    category_p: float
    unit: Unit | None
    unit_name: str
    unit_p: float
    problems: list[ProblemSuggestion]
    confidence: float
    explanation: dict[str, Any]
    error: str = ""


NOT_READY = OpinionSuggestion(
    "",
    None,
    0,
    None,
    "",
    0,
    [],
    0,
    {},
    error="智能梳理模型尚未生成：请运行 scripts/manage retrain_triage（首次约需十几秒）。",
)


def candidate_problems() -> list[Problem]:
    since = now() - REBOUND_WINDOW
    open_or_recent = Problem.objects.exclude(status=Status.CLOSED) | Problem.objects.filter(
        status=Status.CLOSED, closed_at__gte=since
    )
    return list(open_or_recent.select_related("category").order_by("-id")[:MAX_INDEXED_PROBLEMS])


def problem_texts(problems: Sequence[Problem]) -> list[tuple[str, list[str]]]:
    texts: dict[int, list[str]] = {p.pk: [f"{p.title}。{p.description}"] for p in problems}
    for problem_id, text in Opinion.objects.filter(links__problem__in=problems).values_list("links__problem", "text"):
        texts[problem_id].append(text)
    return [(str(p.pk), texts[p.pk]) for p in problems]


def suggest(texts: Sequence[str], *, problems: Sequence[Problem] | None = None) -> list[OpinionSuggestion]:
    """Suggestions for opinions not yet triaged: category, unit, existing problems (open or recently closed)."""
    model = active_model(train_if_missing=False)
    if model is None:
        return [NOT_READY for _ in texts]
    problems = candidate_problems() if problems is None else list(problems)
    index = triage.ProblemIndex.build(model, problem_texts(problems)) if problems else None
    by_id = {str(p.pk): p for p in problems}
    result = triage.analyse(model, list(texts))
    categories = {c.code: c for c in Category.objects.filter(is_active=True)}
    units = {u.name: u for u in Unit.objects.filter(is_active=True, kind=UnitKind.OFFICE)}
    prep = result.prep
    rows = prep.ok
    x_index = triage.tfidf(triage.hashed([prep.masked[i] for i in rows]), index.idf)[0] if index else None
    x_model, _ = triage.classify(model, prep, rows)
    neighbours = triage.nearest_examples(model, x_model)
    out: list[OpinionSuggestion] = []
    position = {i: j for j, i in enumerate(rows)}
    for i, err in enumerate(prep.errors):
        if err is not None:
            out.append(OpinionSuggestion(model.version, None, 0, None, "", 0, [], 0, {}, error=err))
            continue
        j = position[i]
        cat_code, unit_name = result.categories[j], result.units[j]
        cat_p = float(result.category_p[j].max())
        unit_p = float(result.unit_p[j].max())
        places = [m.key for m in prep.mentions[i] if m.kind != "office"]
        matches = (
            triage.rank_problems(index, x_index[j], result.category_p[j], places)
            if index and x_index is not None
            else []
        )
        suggestions = [ProblemSuggestion(by_id[m.problem_id], m.score, m.shared_places) for m in matches]
        explanation = {
            "places": [m.surface for m in prep.mentions[i]],
            "place_kind": prep.kinds[i],
            "notes": list(prep.notes[i]),
            "key_terms": {
                str(s.problem.pk): triage.key_terms(prep.texts[i], s.problem.description + s.problem.title)
                for s in suggestions
            },
            "examples": [
                {"text": t[:80], "category": c, "unit": u, "similarity": round(s, 2)} for t, c, u, s in neighbours[j]
            ],
        }
        out.append(
            OpinionSuggestion(
                model.version,
                categories.get(cat_code),
                cat_p,
                units.get(unit_name),
                unit_name,
                unit_p,
                suggestions,
                triage.confidence(cat_p, unit_p, 1.0),
                explanation,
            )
        )
    return out
