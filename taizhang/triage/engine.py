"""The triage model in use: trained from the repo's synthetic opinions plus coordinators' decisions, kept in the DB.

The default model needs no data from outside the repo (taizhang.lib.opinion_synth). Every confirmed decision
(an opinion linked to a problem that has a category and a lead unit) and every correction is added on
retraining; a retrain whose data has not changed is a no-op (same fingerprint), so it can run on a schedule.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import threading
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext

from taizhang.accounts.models import Unit, UnitKind
from taizhang.audit.models import AuditEvent, Verb
from taizhang.clock import now
from taizhang.intake.models import Opinion, OpinionLink
from taizhang.lib import modelfile, triage
from taizhang.lib.entities import EntityCatalogue
from taizhang.lib.opinion_synth import generate
from taizhang.problems.models import Category, Problem, Status
from taizhang.triage.models import Correction, DispatchRule, TriageModel

SYNTHETIC_OPINIONS = 4000
SYNTHETIC_SEED = 7
REBOUND_WINDOW = dt.timedelta(days=180)  # closed problems this recent are still matched (反弹)
MAX_INDEXED_PROBLEMS = 1_000_000  # open and recently closed problems matched against a new opinion
REBUILD_EVERY = dt.timedelta(hours=1)  # the whole index is rebuilt this often (closed ones age out)
MAX_DELTA = 2000  # changed problems kept beside the index before it is rebuilt
# What changes a problem's row: its texts (created, an opinion linked) or its coming back into play (reopened).
# Supervision, progress and closures leave the row as it is (a closure only ages out, read when matches are fetched),
# so a sweep firing hundreds of rungs does not make the next suggestion rebuild them.
INDEXED_VERBS = (Verb.PROBLEM_CREATED, Verb.OPINION_LINKED, Verb.PROBLEM_REOPENED)

_loaded: dict[str, triage.Model] = {}


def default_examples() -> list[triage.Labelled]:
    return [triage.Labelled(o.text, o.category, o.unit) for o in generate(SYNTHETIC_OPINIONS, seed=SYNTHETIC_SEED)]


def decided_examples() -> tuple[list[triage.Labelled], int]:
    """Confirmed triage decisions and corrections, newest wins per opinion; returns (examples, corrections)."""
    by_opinion: dict[int, triage.Labelled] = {}
    links = (
        OpinionLink.objects.filter(problem__lead_unit__kind=UnitKind.OFFICE)
        .select_related("opinion__concerned_unit", "problem__category", "problem__lead_unit")
        .order_by("id")
    )
    for link in links.iterator(chunk_size=2000):
        problem = link.problem
        assert problem.lead_unit is not None
        by_opinion[link.opinion_id] = triage.Labelled(
            link.opinion.text, problem.category.code, problem.lead_unit.name, _unit_name(link.opinion.concerned_unit)
        )
    corrections = 0
    corrected = Correction.objects.select_related("opinion__concerned_unit").order_by("corrected_at", "id")
    for c in corrected.iterator(chunk_size=2000):
        unit = c.unit or c.suggested_unit
        if unit:
            by_opinion[c.opinion_id] = triage.Labelled(c.text, c.category, unit, _unit_name(c.opinion.concerned_unit))
            corrections += 1
    return list(by_opinion.values()), corrections


def _unit_name(unit: Unit | None) -> str:
    return unit.name if unit is not None else ""


def fingerprint(
    examples: Sequence[triage.Labelled],
    rules: Sequence[triage.DispatchRule],
    place_kinds: dict[str, str] | None = None,
) -> str:
    h = hashlib.sha256(f"features={triage.FEATURES}\x1e".encode())
    for key, kind in sorted((place_kinds or {}).items()):
        h.update(f"{key}\x1f{kind}\x1d".encode())
    for e in examples:
        place = f"\x1f{e.place}" if e.place else ""  # examples without one hash as before
        h.update(f"{e.text}\x1f{e.category}\x1f{e.unit}{place}\x1e".encode())
    for r in rules:
        h.update(f"{r.category}\x1f{r.kind}\x1f{r.entity}\x1f{r.unit}\x1e".encode())
    return h.hexdigest()


def dispatch_rules() -> list[triage.DispatchRule]:
    rules = DispatchRule.objects.filter(is_active=True).select_related("category", "unit").order_by("id")
    return [triage.DispatchRule(r.category.code, r.place_kind, r.unit.name, r.place) for r in rules]


def learn_place_kinds(
    examples: Sequence[triage.Labelled],
    catalogue: EntityCatalogue,
    rules: Sequence[triage.DispatchRule],
    *,
    min_support: int = 6,
    share: float = 0.8,
) -> dict[str, str]:
    """Registry schools and kindergartens that coordinators handle as private ones though the registry does not
    flag them 民办 (Unit.is_private): when the decisions about a unit go, across categories, to the office the
    catalogue sends private places to, it is routed as a private place too."""
    private = Counter(r.unit for r in rules if r.kind == "private" and not r.entity).most_common(1)
    if not private:
        return {}
    office = private[0][0]
    concerned = [e.place or None for e in examples] if any(e.place for e in examples) else None
    prep = triage.prepare([e.text for e in examples], catalogue, concerned=concerned)
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    categories: dict[str, set[str]] = defaultdict(set)
    for e, key, kind, err in zip(examples, prep.keys, prep.kinds, prep.errors, strict=True):
        if err is None and key in catalogue.registry and kind in ("school", "kindergarten"):
            votes[key][e.unit] += 1
            if e.unit == office:
                categories[key].add(e.category)
    return {
        key: "private"
        for key, counter in votes.items()
        if counter[office] >= min_support
        and counter[office] >= share * sum(counter.values())
        and len(categories[key]) >= 2
    }


MIN_RULE_PLACES = 3  # a rule for a kind of place needs decisions about this many different places


def learn_dispatch(
    examples: Sequence[triage.Labelled],
    *,
    min_support: int = 3,
    share: float = 0.8,
    catalogue: EntityCatalogue | None = None,
) -> dict[tuple[str, str, str], tuple[str, int]]:
    """(category, kind of place, place key or "") → unit where coordinators decided the same way often enough.

    Places are read with the registry (and the 涉及单位 given with an opinion). Decisions about fewer than
    MIN_RULE_PLACES different places say how those places are handled, not every place of their kind (a
    private school the registry files as a school must not send every public school to 民办教育管理股), so
    they become rules for those places only."""
    concerned = [e.place or None for e in examples] if any(e.place for e in examples) else None
    prep = triage.prepare([e.text for e in examples], catalogue or EntityCatalogue(), concerned=concerned)
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    by_place: dict[tuple[str, str, str], Counter[str]] = defaultdict(Counter)
    places: dict[tuple[str, str, str], set[str]] = defaultdict(set)  # (category, kind, unit) → places decided
    for e, kind, key, err in zip(examples, prep.kinds, prep.keys, prep.errors, strict=True):
        if err is None and kind != "none":
            votes[(e.category, kind)][e.unit] += 1
            if key:
                by_place[(e.category, kind, key)][e.unit] += 1
                places[(e.category, kind, e.unit)].add(key)
    learned: dict[tuple[str, str, str], tuple[str, int]] = {}
    for (category, kind), counter in votes.items():
        unit, n = counter.most_common(1)[0]
        widespread = len(places[(category, kind, unit)]) >= MIN_RULE_PLACES
        if widespread and n >= min_support and n >= share * sum(counter.values()):
            learned[(category, kind, "")] = (unit, n)
    for (category, kind, key), counter in by_place.items():
        unit, n = counter.most_common(1)[0]
        general = learned.get((category, kind, ""))
        if n >= min_support and n >= share * sum(counter.values()) and (general is None or general[0] != unit):
            learned[(category, kind, key)] = (unit, n)
    return learned


def load(row: TriageModel) -> triage.Model | None:
    """The stored model, or None when its blob is not in the safe format (a model pickled by an older version is
    never unpickled: the default model answers until retrain_triage replaces it)."""
    if row.version not in _loaded:
        try:
            model = modelfile.loads(bytes(row.blob))
        except modelfile.NotAModelFile:
            logging.getLogger("taizhang.triage").warning(
                "triage model %s is not in the safe format; run retrain_triage", row.version
            )
            return None
        _loaded.clear()
        _loaded[row.version] = model
    return _loaded[row.version]


_LAYOUT = "sparse"  # how the cached file stores weights; a file cached in an older layout is rebuilt, not read


def default_model(*, train_if_missing: bool = True) -> triage.Model | None:
    """The model built from the repo's synthetic opinions alone, cached in this process and under var/.

    It depends only on the code, so its file is named by the code's fingerprint and shared by every database
    on this machine (tests, demo, a fresh install): no page view ever waits for it after the first build."""
    digest = fingerprint(default_examples(), [])
    version = f"default-{digest[:8]}"
    if version in _loaded:
        return _loaded[version]
    path = Path(settings.VAR_DIR) / f"triage-{version}.{_LAYOUT}.npz"
    model: triage.Model | None = None
    if path.exists():
        try:
            model = modelfile.loads(path.read_bytes())
        except modelfile.NotAModelFile:
            model = None  # damaged: built again below
    if model is None and train_if_missing:
        model = triage.train(default_examples(), version=version)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(modelfile.dumps(model))
        tmp.replace(path)
    if model is None:
        return None
    _loaded.clear()
    _loaded[version] = model
    return model


def active_model(*, train_if_missing: bool = True) -> triage.Model | None:
    """The model in use: the newest retrained version, else the default one. Page views pass
    train_if_missing=False and show a notice instead of waiting for a first build."""
    row = TriageModel.objects.filter(is_active=True).first()
    if row is not None:
        model = load(row)
        if model is not None and triage.current(model):
            return model  # else: trained on an older feature scheme; retrain_triage replaces it
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


def not_ready() -> OpinionSuggestion:
    return OpinionSuggestion(
        "",
        None,
        0,
        None,
        "",
        0,
        [],
        0,
        {},
        error=gettext("智能梳理模型尚未生成：请运行 scripts/manage retrain_triage（首次约需十几秒）。"),
    )


def candidate_problems() -> list[Problem]:
    return list(_candidates().select_related("category").order_by("-id")[:MAX_INDEXED_PROBLEMS])


def _candidates() -> QuerySet[Problem]:
    since = now() - REBOUND_WINDOW
    return Problem.objects.open() | Problem.objects.filter(status=Status.CLOSED, closed_at__gte=since)


@dataclass(frozen=True)
class LiveIndex:
    """The problems a new opinion is matched against, kept in this process between requests.

    `base` is built from every open or recently closed problem; problems changed since (new problems, opinions
    linked, reopenings: INDEXED_VERBS in the audit trail) are rebuilt into the small
    `delta` with the base's IDF, and their old rows in the base are masked out. A request only asks the audit
    trail what changed after `seen`, so a query costs the same with a thousand problems or a million."""

    model_version: str
    database: str
    base: triage.ProblemIndex
    delta: triage.ProblemIndex | None
    changed: frozenset[int]
    seen: tuple[int, str]  # the last audit event taken into account: id and hash (ids can be reused after a rollback)
    built_at: dt.datetime

    def rank(self, x: Any, p: Any, places: Sequence[str]) -> list[triage.Match]:
        matches = triage.rank_problems(self.base, x, p, places, top=3)
        if self.delta is not None:
            matches += triage.rank_problems(self.delta, x, p, places, top=3)
        return sorted(matches, key=lambda m: -m.score)[:3]


_live: dict[str, LiveIndex] = {}
_live_lock = threading.Lock()


def _last_event() -> tuple[int, str]:
    return AuditEvent.objects.order_by("-id").values_list("id", "hash").first() or (0, "")


def _database() -> str:
    db = settings.DATABASES["default"]
    return f"{db.get('ENGINE')}|{db.get('HOST', '')}|{db.get('PORT', '')}|{db.get('NAME')}"


def _index_of(model: triage.Model, problems: Sequence[Problem], idf: Any = None) -> triage.ProblemIndex:
    return triage.ProblemIndex.build(
        model, problem_texts(problems), catalogue=registry_catalogue(model), places=problem_places(problems), idf=idf
    )


def live_index(model: triage.Model) -> LiveIndex | None:
    """The index for this model, brought up to date with what changed since it was last asked for."""
    with _live_lock:
        current = _live.get("index")
        stamp = now()
        usable = (
            current is not None
            and current.model_version == model.version
            and current.database == _database()
            and stamp - current.built_at < REBUILD_EVERY
        )
        current = _refreshed(model, current) if usable and current is not None else None
        if current is None:
            seen = _last_event()
            problems = candidate_problems()
            current = (
                LiveIndex(model.version, _database(), _index_of(model, problems), None, frozenset(), seen, stamp)
                if problems
                else None
            )
        if current is None:
            _live.pop("index", None)
        else:
            _live["index"] = current
        return current


def _refreshed(model: triage.Model, current: LiveIndex) -> LiveIndex | None:
    """`current` with the problems changed since it was built rebuilt into its delta; None: rebuild it all."""
    latest = _last_event()
    if latest == current.seen:
        return current
    if current.seen[0] and not AuditEvent.objects.filter(id=current.seen[0], hash=current.seen[1]).exists():
        return None  # the trail it was built from is not this one (another database, a rollback): rebuild
    events = AuditEvent.objects.filter(id__gt=current.seen[0], id__lte=latest[0], verb__in=INDEXED_VERBS)
    touched = set(events.exclude(problem=None).values_list("problem_id", flat=True))
    if not touched:
        return replace(current, seen=latest)
    changed = current.changed | touched
    if len(changed) > MAX_DELTA:
        return None
    problems = list(_candidates().filter(pk__in=changed).select_related("category"))
    delta = _index_of(model, problems, current.base.idf) if problems else None
    current.base.mask([str(pk) for pk in touched])  # their rows in the base are stale: the delta holds them
    return replace(current, delta=delta, changed=frozenset(changed), seen=latest)


def registry_catalogue(model: triage.Model | None = None) -> EntityCatalogue:
    """A fresh catalogue holding the unit registry's schools and kindergartens (offices are known by name): a unit
    flagged 民办 is a private place, and the model adds the kinds of place it learned from decisions."""
    catalogue = EntityCatalogue()
    units = Unit.objects.filter(is_active=True, kind__in=[UnitKind.SCHOOL, UnitKind.KINDERGARTEN]).order_by("id")
    catalogue.add_units(
        (name, short_name, "private" if is_private else kind)
        for name, short_name, kind, is_private in units.values_list("name", "short_name", "kind", "is_private")
    )
    if model is not None:
        catalogue = triage.model_catalogue(model, catalogue)
    return catalogue


def problem_places(problems: Sequence[Problem]) -> list[set[str]]:
    """The registry units each problem is about: its opinions' 涉及单位."""
    names: dict[int, set[str]] = {p.pk: set() for p in problems}
    linked = Opinion.objects.filter(links__problem__in=problems, concerned_unit__isnull=False)
    for problem_id, name in linked.values_list("links__problem", "concerned_unit__name"):
        names[problem_id].add(name)
    return [names[p.pk] for p in problems]


def problem_texts(problems: Sequence[Problem]) -> list[tuple[str, list[str]]]:
    texts: dict[int, list[str]] = {p.pk: [f"{p.title}。{p.description}"] for p in problems}
    for problem_id, text in Opinion.objects.filter(links__problem__in=problems).values_list("links__problem", "text"):
        texts[problem_id].append(text)
    return [(str(p.pk), texts[p.pk]) for p in problems]


def suggest(
    texts: Sequence[str],
    *,
    problems: Sequence[Problem] | None = None,
    concerned: Sequence[Unit | None] | None = None,
) -> list[OpinionSuggestion]:
    """Suggestions for opinions not yet triaged: category, unit, existing problems (open or recently closed).

    Places are recognised against the unit registry; concerned[i], the 涉及单位 staff gave opinion i, is its
    place (for matching problems) and its kind of place (for routing) whatever the text names."""
    model = active_model(train_if_missing=False)
    if model is None:
        return [not_ready() for _ in texts]
    live: LiveIndex | None
    if problems is None:
        live = live_index(model)
    else:
        chosen = list(problems)
        live = (
            LiveIndex(model.version, "", _index_of(model, chosen), None, frozenset(), (0, ""), now())
            if chosen
            else None
        )
    index = live.base if live is not None else None
    names = [u.name if u is not None else None for u in concerned] if concerned is not None else None
    result = triage.analyse(model, list(texts), catalogue=registry_catalogue(model), concerned=names)
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
        places = prep.places(i)
        matches = live.rank(x_index[j], result.category_p[j], places) if live and x_index is not None else []
        found = _candidates().select_related("category").in_bulk([int(m.problem_id) for m in matches])
        suggestions = [
            ProblemSuggestion(found[int(m.problem_id)], m.score, m.shared_places)
            for m in matches
            if int(m.problem_id) in found
        ]
        given = prep.given[i]
        explanation = {
            "places": list(dict.fromkeys(([given.surface] if given else []) + [m.surface for m in prep.mentions[i]])),
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
                result.confidence(j),
                explanation,
            )
        )
    return out
