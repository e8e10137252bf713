"""Write a checked import: units first, then the rows in batches, each batch one transaction.

A batch that fails rolls back alone; the rows already written carry their import keys, so running the same
file again picks up where it stopped and never creates a row twice (resumable and idempotent). Every door —
the page, the API and `import_file` — calls `do_import_plan`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext

from taizhang.accounts.models import Unit, UnitAlias
from taizhang.audit.events import append_events, new_event, record_event
from taizhang.audit.models import Verb
from taizhang.campaigns.models import Campaign, active_campaign
from taizhang.clock import now
from taizhang.errors import ActionError, NotAllowed
from taizhang.imports.models import ImportKind, ImportProfile
from taizhang.imports.planning import ImportPlan, PlannedRow
from taizhang.imports.units import UnitResolver, guess_kind, unit_key
from taizhang.intake.actions import INTAKE_ROLES, ImportedOpinion, OpinionInput, do_import_opinions
from taizhang.lib.sheet_layout import Column
from taizhang.problems.actions import ImportedProblem, do_import_problem

if TYPE_CHECKING:
    from taizhang.accounts.models import User

BATCH = 2000
Progress = Callable[[int, int], None]


def _require_importer(actor: User) -> None:
    if actor.role not in INTAKE_ROLES:
        raise NotAllowed(gettext("只有牵头部门和系统管理员可以导入文件。"))


def reject_unknown_units(plan: ImportPlan) -> None:
    """`--no-new-units`: a row naming a unit the registry does not have is rejected with the reason."""
    unknown = set(plan.new_units)
    if not unknown:
        return
    kept = []
    for row in plan.rows:
        missing = [n for n in row.units if n in unknown]
        if missing and row.existing is None:
            plan.rejected.append((row.row, f"单位“{'、'.join(missing)}”不在系统中"))
        else:
            kept.append(row)
    plan.rows = kept
    plan.rejected.sort()
    plan.new_units = []


@transaction.atomic
def _prepare_units(plan: ImportPlan, *, actor: User, filename: str) -> dict[str, Unit]:
    """Create the units the file names and the registry lacks (under the bureau), and remember every name the
    user mapped by hand as an alias, so the next file needs no mapping."""
    resolver = UnitResolver.load()
    units: dict[str, Unit] = {}
    events = []
    needed = {name for row in plan.to_create for name in row.units}  # not for rows already in the database
    for name in (n for n in plan.new_units if n in needed):
        existing = resolver.find(name)  # created by an earlier, interrupted run of this import
        unit: Unit = existing or Unit.objects.create(name=name[:100], kind=guess_kind(name), parent=resolver.bureau)
        if existing is None:
            events.append(
                new_event(
                    Verb.UNIT_CREATED,
                    actor=actor,
                    summary=f"导入《{filename}》时新建单位“{unit.name}”（{unit.get_kind_display()}）",
                    data={"unit": unit.pk, "file": filename},
                )
            )
        units[name] = unit
    for name, known in plan.units.items():
        if known is None:
            continue
        units[name] = known
        if resolver.find(name) is None and unit_key(name) != unit_key(known.name):
            UnitAlias.objects.get_or_create(name=name[:100], defaults={"unit": known})
    append_events(events)
    return units


def _source_record(row: PlannedRow, filename: str, sheet: str, columns: list[Column]) -> dict[str, Any]:
    return {
        "file": filename,
        "sheet": sheet,
        "row": row.row,
        "fields": row.source_fields(columns),
        "flags": [f.message for f in row.flags],
    }


def _opinion_items(
    plan: ImportPlan, rows: Sequence[PlannedRow], units: dict[str, Unit], filename: str
) -> list[ImportedOpinion]:
    items = []
    for row in rows:
        data = row.opinion
        assert data is not None
        opinion = OpinionInput(
            channel=data.channel,
            text=data.text,
            reporter_name=data.reporter_name,
            reporter_phone=data.reporter_phone,
            reporter_id_number=data.reporter_id_number,
            is_anonymous=data.is_anonymous,
            concerned_unit=units.get(data.concerned) if data.concerned else None,
            external_ref=data.external_ref,
        )
        items.append(
            ImportedOpinion(opinion, data.received_at, _source_record(row, filename, plan.sheet, plan.columns), row.key)
        )
    return items


def _problem_item(plan: ImportPlan, row: PlannedRow, units: dict[str, Unit], filename: str) -> ImportedProblem:
    data = row.problem
    assert data is not None
    lead = units.get(data.lead_units[0]) if data.lead_units else None
    return ImportedProblem(
        title=data.title,
        description=data.description,
        category=data.category,
        status=data.status,
        kind=data.kind,
        lead_unit=lead,
        co_units=[units[n] for n in data.co_units if n in units],
        responsible_leader=data.responsible_leader,
        responsible_person=data.responsible_person,
        measures=data.measures,
        deadline=data.deadline,
        progress=data.progress,
        closed_at=data.closed_at,
        origin_channel=data.origin_channel,
        self_found=data.self_found,
        remarks=data.remarks,
        source_record=_source_record(row, filename, plan.sheet, plan.columns),
        import_key=row.key,
    )


def _campaign() -> Campaign:
    campaign = active_campaign()
    if campaign is None:
        raise ActionError(gettext("当前没有进行中的活动，请管理员先建立活动。"))
    return campaign


def do_import_plan(plan: ImportPlan, *, actor: User, filename: str, progress: Progress | None = None) -> dict[str, int]:
    """Write every row of the plan not yet in the database; return {"opinions": n, "problems": n} created."""
    _require_importer(actor)
    campaign = _campaign()
    rows = plan.to_create
    units = _prepare_units(plan, actor=actor, filename=filename)
    created = {"opinions": 0, "problems": 0}
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        with transaction.atomic():
            if plan.kind == ImportKind.OPINIONS:
                created["opinions"] += len(
                    do_import_opinions(_opinion_items(plan, batch, units, filename), actor=actor, filename=filename)
                )
            else:
                for row in batch:
                    item = _problem_item(plan, row, units, filename)
                    do_import_problem(item, actor=actor, campaign=campaign, filename=filename)
                    created["problems"] += 1
        if progress:
            progress(start + len(batch), len(rows))
    with transaction.atomic():
        record_event(
            Verb.IMPORT_COMMITTED,
            actor=actor,
            summary=f"导入《{filename}》：新增意见 {created['opinions']} 条、问题 {created['problems']} 个，"
            f"已有 {len(plan.rows) - len(rows)} 行，未导入 {len(plan.rejected)} 行",
            data={"file": filename, "kind": plan.kind, **created, "rejected": len(plan.rejected)},
        )
    return created


@transaction.atomic
def do_save_profile(plan: ImportPlan, *, name: str, actor: User, default_channel: str = "") -> ImportProfile:
    """Keep this file's column mapping under a name; a file with the same header picks it up by itself."""
    _require_importer(actor)
    name = name.strip()
    if not name:
        raise ActionError(gettext("请填写导入方案的名称。"), field_errors={"name": [gettext("请填写名称。")]})
    mapping = {c.header: c.field or "" for c in plan.columns}
    profile, _created = ImportProfile.objects.update_or_create(
        name=name[:60],
        defaults={
            "kind": plan.kind,
            "signature": plan.signature,
            "headers": [c.header for c in plan.columns],
            "mapping": mapping,
            "default_channel": default_channel,
            "created_by": actor,
            "updated_at": now(),
        },
    )
    record_event(
        Verb.IMPORT_PROFILE_SAVED,
        actor=actor,
        summary=f"保存导入方案“{profile.name}”（{profile.get_kind_display()}，{len(mapping)} 列）",
        data={"profile": profile.pk},
    )
    return profile
