"""State changes of triage assistance: training a model version, recording suggestions and corrections."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from taizhang.clock import now
from taizhang.lib import modelfile, triage
from taizhang.lib.entities import EntityCatalogue
from taizhang.problems.models import Category
from taizhang.triage import engine
from taizhang.triage.dispatch_defaults import DEFAULT_DISPATCH
from taizhang.triage.models import Correction, DispatchRule, ModelSource, Suggestion, TriageModel

if TYPE_CHECKING:
    from taizhang.accounts.models import User
    from taizhang.intake.models import Opinion


# The last model trained in this process, by fingerprint: a fresh database with the same data (tests, a
# second worker) reuses it instead of training again.
_trained: dict[str, triage.Model] = {}


@transaction.atomic
def do_train_model(*, actor: User | None, force: bool = False) -> TriageModel:
    """Train on the synthetic opinions + decisions + corrections; idempotent when nothing changed."""
    decided, corrections = engine.decided_examples()
    catalogue = engine.registry_catalogue()
    _materialise_default_dispatch()
    place_kinds = engine.learn_place_kinds(decided, catalogue, engine.dispatch_rules()) if decided else {}
    catalogue.set_kinds(place_kinds)
    _learn_dispatch_rules(decided, catalogue)
    rules = engine.dispatch_rules()
    if not decided and not rules:
        engine.default_model()  # builds the shared default file if this machine has none
    examples = engine.default_examples() + decided
    digest = engine.fingerprint(examples, rules, place_kinds)
    current = TriageModel.objects.select_for_update().filter(is_active=True).first()
    # The same data: keep the model in use — unless it was stored as a pickle by an older version (never loaded).
    if current is not None and current.fingerprint == digest and not force and engine.load(current) is not None:
        return current
    stamp = now()
    version = f"{stamp:%Y%m%d-%H%M%S}-{digest[:6]}"
    if TriageModel.objects.filter(version__startswith=version).exists():  # retrained within the same second
        version = f"{version}-{TriageModel.objects.filter(version__startswith=version).count() + 1}"
    model = _trained.get(digest)
    if model is None:
        if not decided and not rules:
            default = engine.default_model()
            assert default is not None
            model = triage.Model(**{**default.__dict__})
        else:
            model = triage.train(
                examples, version=version, dispatch=rules, catalogue=catalogue, place_kinds=place_kinds
            )
        _trained.clear()
        _trained[digest] = model
    model.version = version
    TriageModel.objects.filter(is_active=True).update(is_active=False)
    return TriageModel.objects.create(
        version=version,
        source=ModelSource.RETRAINED if decided else ModelSource.DEFAULT,
        trained_at=stamp,
        examples=len(examples),
        corrections=corrections,
        fingerprint=digest,
        blob=modelfile.dumps(model),
        is_active=True,
    )


def _materialise_default_dispatch() -> None:
    """Catalogue version 1 from the defaults, once, for the offices that exist."""
    from taizhang.accounts.models import Unit

    if DispatchRule.objects.filter(learned=False).exists():
        return
    units = {u.name: u for u in Unit.objects.filter(name__in={u for _c, _k, u in DEFAULT_DISPATCH})}
    categories = {c.code: c for c in Category.objects.filter(code__in={c for c, _k, _u in DEFAULT_DISPATCH})}
    DispatchRule.objects.bulk_create(
        [
            DispatchRule(category=categories[cat], place_kind=kind, unit=units[unit], catalogue_version=1)
            for cat, kind, unit in DEFAULT_DISPATCH
            if cat in categories and unit in units
        ]
    )


def _learn_dispatch_rules(decided: list[triage.Labelled], catalogue: EntityCatalogue) -> None:
    """Rules learned from decisions become a new catalogue version; hand-written rules are kept as they are."""
    from taizhang.accounts.models import Unit

    _materialise_default_dispatch()
    place_length = DispatchRule._meta.get_field("place").max_length or 60
    learned = engine.learn_dispatch(decided, catalogue=catalogue) if decided else {}
    learned = {k: v for k, v in learned.items() if len(k[2]) <= place_length}
    existing = {
        (r.category.code, r.place_kind, r.place): (r.unit.name, r.support)
        for r in DispatchRule.objects.filter(is_active=True, learned=True).select_related("category", "unit")
    }
    if {k: v for k, v in learned.items()} == existing:
        return
    units = {u.name: u for u in Unit.objects.filter(name__in={u for u, _n in learned.values()})}
    categories = {c.code: c for c in Category.objects.filter(code__in={c for c, _k, _p in learned})}
    latest = DispatchRule.objects.order_by("-catalogue_version").values_list("catalogue_version", flat=True).first()
    version = (latest or 1) + 1
    DispatchRule.objects.filter(is_active=True, learned=True).update(is_active=False)
    DispatchRule.objects.bulk_create(
        [
            DispatchRule(
                category=categories[cat],
                place_kind=kind,
                place=place,
                unit=units[unit],
                learned=True,
                support=n,
                catalogue_version=version,
            )
            for (cat, kind, place), (unit, n) in learned.items()
            if cat in categories and unit in units
        ]
    )


@transaction.atomic
def do_record_suggestion(opinion: Opinion, suggestion: engine.OpinionSuggestion) -> Suggestion:
    return Suggestion.objects.create(
        opinion=opinion,
        model_version=suggestion.model_version,
        created_at=now(),
        category=suggestion.category,
        unit=suggestion.unit,
        problems=[
            {
                "id": s.problem.pk,
                "number": s.problem.number,
                "score": round(s.score, 3),
                "closed": s.is_rebound,
                "places": list(s.places),
            }
            for s in suggestion.problems
        ],
        confidence=suggestion.confidence,
        explanation=suggestion.explanation,
    )


@transaction.atomic
def do_record_decision(
    opinion: Opinion, *, category: str, unit: str = "", problem_number: str = "", actor: User
) -> Correction | None:
    """After a triage decision: keep it as a correction when it differs from the latest suggestion."""
    suggestion = Suggestion.objects.filter(opinion=opinion).select_related("category", "unit").first()
    if suggestion is None:
        return None
    suggested_category = suggestion.category.code if suggestion.category else ""
    suggested_unit = suggestion.unit.name if suggestion.unit else ""
    suggested_problem = suggestion.problems[0]["number"] if suggestion.problems else ""
    differs = category != suggested_category or (unit and unit != suggested_unit)
    if problem_number and problem_number != suggested_problem:
        differs = True
    if not differs:
        return None
    return Correction.objects.create(
        opinion=opinion,
        suggestion=suggestion,
        text=opinion.text,
        suggested_category=suggested_category,
        category=category,
        suggested_unit=suggested_unit,
        unit=unit or suggested_unit,
        suggested_problem=suggested_problem,
        problem=problem_number,
        corrected_by=actor,
        corrected_at=now(),
    )
