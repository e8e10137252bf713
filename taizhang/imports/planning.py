"""Check a file and say what importing it would do, row by row, without writing anything.

`plan_file` reads the file (`lib.tables`), finds its header (`lib.sheet_layout`), tells opinions from an
整改台账, and sorts every row into rejected (no content at all), flagged (kept, with what to look at) or clean.
Repeat reports of one matter are proposed as groups; units are matched to the registry. The plan is what the
preview shows, what `--json` prints, and what `actions.do_import_plan` writes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from django.utils import timezone
from scipy.sparse.csgraph import connected_components

from taizhang.accounts.models import Unit
from taizhang.clock import now
from taizhang.imports.fields import FIELD_LABELS, LEDGER_FIELDS, OPINION_FIELDS, SYNONYMS, channel_of
from taizhang.imports.models import ImportKind, ImportProfile
from taizhang.imports.units import UnitResolver, split_units
from taizhang.intake.models import Channel, Opinion
from taizhang.lib import cnvalues as cv
from taizhang.lib.chinese_dates import chinese_date, chinese_datetime
from taizhang.lib.masking import mask_phone
from taizhang.lib.sheet_layout import Column, Layout, choose_layout, header_key
from taizhang.lib.tables import CellValue, TableRejected, read_tables
from taizhang.problems.models import Category, Problem, RectificationKind, Status

MAX_ROWS = 200_000
REPEAT_MIN_SIMILARITY = 0.05  # cosine of the n-gram vectors of two rows proposed as one matter (see PERFORMANCE.md)
REPEAT_BLOCK = 10_000  # rows the triage engine analyses at once when looking for repeat reports
MAX_TEXT_CHARS = 100_000
ANONYMOUS_NAMES = frozenset({"匿名", "无", "不详", "未留名", "未提供", "保密", "/", "-", "—"})
YES = frozenset({"是", "y", "yes", "true", "1", "匿名", "√"})
_SENTENCE_END = re.compile(r"[。；;！!？?\n]")


@dataclass(frozen=True, slots=True)
class Flag:
    code: str
    message: str


@dataclass(slots=True)
class OpinionData:
    channel: str
    text: str
    reporter_name: str
    reporter_phone: str
    reporter_id_number: str
    is_anonymous: bool
    concerned: str  # unit name as written; resolved at import
    external_ref: str
    received_at: dt.datetime | None


@dataclass(slots=True)
class ProblemData:
    number: str
    title: str
    description: str
    category: Category
    lead_units: list[str]
    co_units: list[str]
    responsible_leader: str
    responsible_person: str
    measures: str
    kind: str
    deadline: dt.date | None
    progress: str
    status: str
    closed_at: dt.datetime | None
    origin_channel: str
    self_found: bool
    remarks: str


@dataclass(slots=True)
class PlannedRow:
    row: int
    # Every column's text, in the layout's column order ("" where empty): one tuple, not a pair per cell, since a
    # 100,000-row file's rows are all held until it is written. `source_fields` pairs them with the headers.
    source: tuple[str, ...]
    same: str = ""  # digest of every filled column but 序号, reporter included: what "the same row" means
    flags: list[Flag] = field(default_factory=list)
    opinion: OpinionData | None = None
    problem: ProblemData | None = None
    key: str = ""
    existing: int | None = None  # the opinion or problem this row already is (re-import, or the round trip)

    def flag(self, code: str, message: str) -> None:
        self.flags.append(Flag(code, message))

    def source_fields(self, columns: list[Column]) -> list[list[str]]:
        """[header, text] for every filled column, in the file's order."""
        return [[c.header, text] for c, text in zip(columns, self.source, strict=True) if text]

    @property
    def units(self) -> list[str]:
        if self.opinion is not None:
            return [self.opinion.concerned] if self.opinion.concerned else []
        assert self.problem is not None
        return [*self.problem.lead_units, *self.problem.co_units]


@dataclass
class ImportPlan:
    kind: str
    sheet: str
    header_rows: list[int]
    columns: list[Column]
    encoding: str = ""
    profile: ImportProfile | None = None
    signature: str = ""
    rows: list[PlannedRow] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    duplicates: list[list[int]] = field(default_factory=list)
    new_units: list[str] = field(default_factory=list)
    units: dict[str, Unit | None] = field(default_factory=dict)  # every name written → its unit (None: new)
    notes: list[str] = field(default_factory=list)

    @property
    def to_create(self) -> list[PlannedRow]:
        return [r for r in self.rows if r.existing is None]

    def report(self, created: dict[str, int] | None = None) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "sheet": self.sheet,
            "header_rows": self.header_rows,
            "rows": len(self.rows) + len(self.rejected),
            "importable": len(self.rows),
            "already_imported": sum(1 for r in self.rows if r.existing is not None),
            "rejected": [{"row": n, "reason": reason} for n, reason in self.rejected],
            "flagged": [{"row": r.row, "flags": [f.message for f in r.flags]} for r in self.rows if r.flags],
            "duplicates": self.duplicates,
            "new_units": self.new_units,
            "skipped": [{"row": n, "reason": reason} for n, reason in self.skipped],
            "columns": [{"column": c.index + 1, "header": c.header, "field": c.field or ""} for c in self.columns],
            "profile": self.profile.name if self.profile else "",
            "notes": self.notes,
            "created": created or {"opinions": 0, "problems": 0},
        }


# --- the header and the kind --------------------------------------------------------------------------------


def header_signature(columns: list[Column]) -> str:
    texts = "|".join(header_key(c.header) for c in columns)
    return hashlib.sha256(texts.encode()).hexdigest()


def _with_mapping(layout: Layout, mapping: dict[str, str]) -> None:
    """The user's (or a saved profile's) corrections: header → field, "" for "keep as a source field"."""
    if not mapping:
        return
    columns = []
    for c in layout.columns:
        wanted = mapping.get(c.header, c.field or "")
        columns.append(Column(c.index, c.header, wanted if wanted in SYNONYMS else None))
    seen: set[str] = set()
    for i, c in enumerate(columns):  # one column per field: the first keeps it
        if c.field in seen:
            columns[i] = Column(c.index, c.header, None)
        elif c.field:
            seen.add(c.field)
    layout.columns = columns


def detect_kind(fields: set[str]) -> str:
    ledger = len(fields & LEDGER_FIELDS)
    opinions = len(fields & OPINION_FIELDS)
    return ImportKind.LEDGER if ledger >= 2 and ledger > opinions else ImportKind.OPINIONS


def _layout(content: bytes, filename: str) -> tuple[Layout, str]:
    grids = read_tables(content, filename)
    if not any(g.rows for g in grids if not g.is_notes):
        raise TableRejected("表格是空的，没有可导入的内容。")
    layout = choose_layout(grids, SYNONYMS, key_field="text")
    if layout is None:
        raise TableRejected(
            "在表格前 30 行中找不到表头：至少要有一列内容（如“诉求内容”“意见建议内容”“反映内容”“问题描述”）"
            "和另一列可识别的列（如“来电时间”“渠道”“责任单位”“整改时限”）。"
        )
    encoding = next((g.encoding for g in grids if g.name == layout.sheet), "")
    return layout, encoding


# --- one row ----------------------------------------------------------------------------------------------


def _aware(moment: dt.datetime) -> dt.datetime:
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class RowReader:
    """Parses rows of one layout; holds what every row needs (today, the categories, the default channel)."""

    def __init__(
        self, layout: Layout, kind: str, *, default_channel: str, today: dt.date, cells_typed: bool = True
    ) -> None:
        self.layout = layout
        self.cells_typed = cells_typed
        self.kind = kind
        self.fields = layout.fields()
        self.headers = {c.index: c.header for c in layout.columns}
        self.default_channel = default_channel
        self.today = today
        self.now = now()
        self.categories = list(Category.objects.filter(is_active=True))
        self._cleaned: dict[int, str] = {}  # the row being read: column index → cleaned text
        # An opinion's reporter lives in the reporter fields, which are masked by role and hidden for a 举报; the
        # kept source columns are shown to every bureau role, so they never repeat who reported.
        reporter = ("reporter_name", "reporter_phone", "reporter_id_number")
        hidden = {self.label(name) for name in reporter} if kind == ImportKind.OPINIONS else set()
        self._kept = [c.header not in hidden for c in layout.columns]

    def value(self, cells: list[CellValue], name: str) -> CellValue:
        index = self.fields.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    def text(self, cells: list[CellValue], name: str) -> str:
        index = self.fields.get(name)
        if index is not None and index in self._cleaned:
            return self._cleaned[index]
        return cv.clean_text(self.value(cells, name))

    def label(self, name: str) -> str:
        index = self.fields.get(name)
        return self.headers.get(index, FIELD_LABELS.get(name, name)) if index is not None else FIELD_LABELS[name]

    def read(self, number: int, cells: list[CellValue]) -> PlannedRow | str:
        """A planned row, or the reason it is rejected."""
        # Each filled cell is cleaned once; the source fields and the parsed values share those strings.
        self._cleaned = {
            i: text
            for i, v in enumerate(cells)
            if i in self.headers and ((text := cv.clean_text(v)) != "" or cv.cell_str(v) != "")
        }
        try:
            content = self.text(cells, "text")
            if not content:
                return f"没有{self.label('text')}"
            if len(content) > MAX_TEXT_CHARS:
                return f"{self.label('text')}超过 {MAX_TEXT_CHARS} 字"
            columns = zip(self.layout.columns, self._kept, strict=True)
            source = tuple(self._cleaned.get(c.index, "") if kept else "" for c, kept in columns)
            serial = self.fields.get("serial")
            values = "\x1f".join(f"{self.headers[i]}={text}" for i, text in self._cleaned.items() if i != serial)
            row = PlannedRow(number, source, hashlib.sha256(values.encode()).hexdigest()[:32])
            if self.kind == ImportKind.LEDGER:
                row.problem = self._problem(row, cells, content)
            else:
                row.opinion = self._opinion(row, cells, content)
            return row
        finally:
            self._cleaned = {}

    # opinions

    def _moment(self, row: PlannedRow, cells: list[CellValue], name: str) -> dt.datetime | None:
        value = self.value(cells, name)
        parsed = cv.parse_moment(value)
        label = self.label(name)
        if parsed.words:
            row.flag("words_in_date", f"{label}填的是“{parsed.words}”，不是日期")
        elif parsed.from_text and parsed.moment is not None and self.cells_typed:
            # In a CSV every value is text; in a workbook a date typed as text is worth a look.
            shown = chinese_datetime(parsed.moment) if parsed.has_time else chinese_date(parsed.moment.date())
            row.flag("text_date", f"{label}“{cv.cell_str(value)}”是文字形式的日期，按{shown}读取")
        return _aware(parsed.moment) if parsed.moment is not None else None

    def _opinion(self, row: PlannedRow, cells: list[CellValue], content: str) -> OpinionData:
        received = self._moment(row, cells, "received_at") if "received_at" in self.fields else None
        if received is None:
            row.flag("no_received_at", "没有收到时间，按导入时间记")
        elif received > self.now:
            row.flag("future_date", f"{self.label('received_at')}晚于今天，按导入时间记")
            received = None
        if "finished_at" in self.fields:
            finished = self._moment(row, cells, "finished_at")
            if finished is not None and received is not None and finished < received:
                row.flag("finished_before_received", f"{self.label('finished_at')}早于{self.label('received_at')}")
        name = self.text(cells, "reporter_name")
        anonymous = cv.fold(self.text(cells, "is_anonymous")).lower() in YES or name in ANONYMOUS_NAMES
        phone = "" if anonymous else self._phone(row, cells)
        channel = self._channel(row, self.text(cells, "channel"))
        if "举报" in self.text(cells, "request_type"):
            channel = Channel.REPORT  # a 举报 work order's reporter is shown to the discipline office only
        ref = self.text(cells, "external_ref")
        if len(ref) > 60:
            row.flag("long_ref", f"{self.label('external_ref')}超过 60 字，只作为来源信息保留")
            ref = ""
        return OpinionData(
            channel=channel,
            text=content,
            reporter_name="" if anonymous else name[:50],
            reporter_phone=phone,
            reporter_id_number="" if anonymous else self.text(cells, "reporter_id_number")[:30],
            is_anonymous=anonymous,
            concerned=next(iter(split_units(self.text(cells, "concerned_unit"))), ""),
            external_ref=ref,
            received_at=received,
        )

    def _phone(self, row: PlannedRow, cells: list[CellValue]) -> str:
        phones = cv.parse_phones(self.value(cells, "reporter_phone"))
        bad = [p.text for p in phones if not p.valid]
        if bad:
            # Masked: the flag is kept in the opinion's source record and the job's report, in plain text.
            shown = "、".join(mask_phone(b) for b in bad)
            row.flag("invalid_phone", f"{self.label('reporter_phone')}“{shown}”不是有效号码，原样保留")
        # Two numbers in one cell are both kept (a masked one as it is); valid ones first.
        ordered = [p.text for p in phones if p.valid] + bad
        return "、".join(ordered)[:30]

    def _channel(self, row: PlannedRow, written: str) -> str:
        if not written:
            return self.default_channel
        channel = channel_of(written)
        if channel is None:
            row.flag("unknown_channel", f"渠道“{written}”无法识别，记为“其他渠道”")
            return Channel.OTHER
        return channel

    # ledger rows

    def _problem(self, row: PlannedRow, cells: list[CellValue], content: str) -> ProblemData:
        title = self.text(cells, "title") or _first_sentence(content)
        lead = split_units(self.value(cells, "lead_units"))
        co = [u for u in split_units(self.value(cells, "co_units")) if u not in lead[:1]]
        co = list(dict.fromkeys([*lead[1:], *co]))
        completion = cv.parse_completion(self.value(cells, "completion"))
        if not completion.standard:
            row.flag(
                "nonstandard_status",
                f"完成情况“{completion.words}”不是标准写法，按“{_STATE_WORDS[completion.state]}”处理",
            )
        deadline_value = cv.parse_deadline(self.value(cells, "deadline"), today=self.today)
        kind = self._kind(cells, deadline_value, completion.state)
        closed_at = self._moment(row, cells, "closed_at") if "closed_at" in self.fields else None
        status = self._status(row, completion.state, closed_at, bool(lead))
        deadline = self._deadline(row, deadline_value, kind, status)
        channel_text = self.text(cells, "channel")
        origin = (channel_of(channel_text) or Channel.OTHER) if channel_text else ""
        return ProblemData(
            number=self.text(cells, "number"),
            title=title[:200],
            description=content,
            category=self._category(row, self.text(cells, "category"), content),
            lead_units=lead[:1],
            co_units=co,
            responsible_leader=self.text(cells, "responsible_leader")[:50],
            responsible_person=self.text(cells, "responsible_person")[:50],
            measures=self.text(cells, "measures"),
            kind=kind,
            deadline=deadline,
            progress=self.text(cells, "progress"),
            status=status,
            closed_at=closed_at if status == Status.CLOSED else None,
            origin_channel=origin,
            self_found=origin == Channel.SELF_INSPECTION or "自查" in self.text(cells, "source"),
            remarks=self.text(cells, "remarks"),
        )

    def _kind(self, cells: list[CellValue], deadline: cv.DeadlineValue, state: cv.Completion) -> str:
        written = self.text(cells, "kind")
        for value, label in RectificationKind.choices:
            if written and (written == str(label) or cv.fold(written) == value):
                return value
        if deadline.kind == cv.KindWord.IMMEDIATE or state == cv.Completion.IMMEDIATE or "立行立改" in written:
            return RectificationKind.IMMEDIATE
        if deadline.kind == cv.KindWord.LONG_TERM or state == cv.Completion.LONG_TERM or "长期" in written:
            return RectificationKind.LONG_TERM
        return RectificationKind.TIME_LIMITED

    def _status(self, row: PlannedRow, state: cv.Completion, closed_at: dt.datetime | None, has_lead: bool) -> str:
        if state == cv.Completion.DONE and closed_at is None:
            row.flag("done_without_closed_at", "完成情况为已完成但没有销号时间，导入为“待验收”，由验收人确认后销号")
            return Status.VERIFYING if has_lead else Status.NEW
        if closed_at is not None and state in (cv.Completion.DONE, cv.Completion.IMMEDIATE, cv.Completion.UNKNOWN):
            return Status.CLOSED
        if not has_lead:
            row.flag("no_lead_unit", "没有责任单位，导入为“待交办”")
            return Status.NEW
        explicit = {
            cv.Completion.NOT_ASSIGNED: Status.NEW,
            cv.Completion.NOT_SIGNED: Status.ASSIGNED,
            cv.Completion.RETURNED: Status.RETURNED,
            cv.Completion.VERIFYING: Status.VERIFYING,
        }
        return explicit.get(state, Status.RECTIFYING)

    def _deadline(self, row: PlannedRow, value: cv.DeadlineValue, kind: str, status: str) -> dt.date | None:
        label = self.label("deadline")
        if value.due is not None:
            if value.from_text and value.words and (self.cells_typed or cv.parse_moment(value.words).moment is None):
                row.flag("text_deadline", f"{label}“{value.words}”按{chinese_date(value.due)}计")
            return value.due
        if value.words and value.kind is None:
            row.flag("bad_deadline", f"{label}“{value.words}”无法读作日期")
        if status in (Status.CLOSED, Status.NEW):
            return None
        if kind == RectificationKind.LONG_TERM:
            return None  # the importer gives it the campaign's end; 长期坚持 is reported on, not closed by a date
        if kind == RectificationKind.IMMEDIATE:
            return self.today
        row.flag("no_deadline", f"没有{label}，按时限规则自动确定")
        return None

    def _category(self, row: PlannedRow, written: str, content: str) -> Category:
        key = cv.fold(written)
        other = next((c for c in self.categories if c.code == "other"), self.categories[-1])
        if not key:
            return other
        for category in self.categories:
            if key in (cv.fold(category.name), category.code):
                return category
        for category in self.categories:
            names = [cv.fold(n) for n in category.name.split("/")]
            if any(n and (n in key or key in n) for n in names):
                return category
        row.flag("unknown_category", f"问题类别“{written}”不在类别目录中，记为“{other.name}”")
        return other


_STATE_WORDS = {
    cv.Completion.DONE: "已完成",
    cv.Completion.ONGOING: "正在整改",
    cv.Completion.LONG_TERM: "长期坚持",
    cv.Completion.IMMEDIATE: "立行立改",
    cv.Completion.NOT_ASSIGNED: "待交办",
    cv.Completion.NOT_SIGNED: "待签收",
    cv.Completion.RETURNED: "已退单",
    cv.Completion.VERIFYING: "待验收",
    cv.Completion.UNKNOWN: "正在整改",
}


def _first_sentence(text: str) -> str:
    first = _SENTENCE_END.split(text, maxsplit=1)[0].strip()
    return first if len(first) <= 60 else first[:60] + "…"


# --- the whole file ---------------------------------------------------------------------------------------


def plan_file(
    content: bytes,
    filename: str = "",
    *,
    kind: str = ImportKind.AUTO,
    profile: ImportProfile | None = None,
    choices: dict[str, Any] | None = None,
    today: dt.date | None = None,
    find_repeats: bool = True,
) -> ImportPlan:
    """Raises TableRejected when the file as a whole cannot be read."""
    choices = choices or {}
    layout, encoding = _layout(content, filename)
    signature = header_signature(layout.columns)
    if profile is None:
        profile = ImportProfile.objects.filter(signature=signature).order_by("-updated_at").first()
    if profile is not None:
        _with_mapping(layout, profile.mapping)
    _with_mapping(layout, choices.get("mapping") or {})
    fields = set(layout.fields())
    if "text" not in fields:
        raise TableRejected("没有指定内容列：请在列对应中把一列设为“内容 / 问题描述”。")
    if kind == ImportKind.AUTO:
        kind = profile.kind if profile is not None else detect_kind(fields)
    if len(layout.rows) > MAX_ROWS:
        raise TableRejected(f"一次最多导入 {MAX_ROWS} 行，本表有 {len(layout.rows)} 行，请拆分后分批导入。")
    plan = ImportPlan(kind, layout.sheet, layout.header_rows, layout.columns, encoding, profile, signature)
    plan.skipped = layout.skipped
    default_channel = choices.get("channel") or (profile.default_channel if profile else "") or _guess_channel(fields)
    reader = RowReader(
        layout, kind, default_channel=default_channel, today=today or timezone.localdate(), cells_typed=not encoding
    )
    # The raw cells are let go row by row as they are read: a 100,000-row sheet's cells are ~100 MB, and the
    # planned rows then reuse that memory instead of adding to it.
    layout.rows.reverse()
    while layout.rows:
        number, cells = layout.rows.pop()
        parsed = reader.read(number, cells)
        if isinstance(parsed, str):
            plan.rejected.append((number, parsed))
        else:
            plan.rows.append(parsed)
    _keys(plan)
    _duplicates(plan, find_repeats=find_repeats and kind == ImportKind.OPINIONS)
    _resolve_units(plan, choices.get("units") or {})
    _existing(plan)
    return plan


def _guess_channel(fields: set[str]) -> str:
    hotline = {"received_at", "external_ref", "handling_unit", "request_type"}
    return Channel.HOTLINE_12345 if len(fields & hotline) >= 3 else Channel.OTHER


def _keys(plan: ImportPlan) -> None:
    seen: dict[str, int] = defaultdict(int)
    for row in plan.rows:
        seen[row.same] += 1
        raw = f"{plan.kind}\x1f{row.same}\x1f{seen[row.same]}"
        row.key = hashlib.sha256(raw.encode()).hexdigest()[:40]


def _duplicates(plan: ImportPlan, *, find_repeats: bool) -> None:
    """Exact duplicates (every column but 序号 the same) and repeat reports of one matter (the triage engine's
    grouping) are proposed together; nothing is merged or dropped — each row still becomes its own record."""
    parent = list(range(len(plan.rows)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    exact: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(plan.rows):
        exact[row.same].append(i)
    for members in exact.values():
        for i in members[1:]:
            parent[root(i)] = root(members[0])
            plan.rows[i].flag("exact_duplicate", f"与第 {plan.rows[members[0]].row} 行完全相同")
    if find_repeats and len(plan.rows) > 1:
        groups = _repeat_groups(plan)
        if groups is None:
            plan.notes.append("智能梳理模型尚未就绪，本次未识别重复反映（完全相同的行仍已标出）。")
        else:
            for members in groups:
                for i in members[1:]:
                    if root(i) != root(members[0]):
                        parent[root(i)] = root(members[0])
                        plan.rows[i].flag("repeat_report", f"疑似与第 {plan.rows[members[0]].row} 行反映同一事项")
    together: dict[int, list[int]] = defaultdict(list)
    for i in range(len(plan.rows)):
        together[root(i)].append(plan.rows[i].row)
    plan.duplicates = sorted(sorted(g) for g in together.values() if len(g) > 1)


def _repeat_groups(plan: ImportPlan) -> list[list[int]] | None:
    """Groups of row indexes the triage engine takes for one matter. A large file is analysed in blocks of rows
    that name the same unit (rows naming none together), so memory stays flat however long the file is; a
    repeat report that names no unit is compared only with the rows of its own block."""
    from taizhang.triage.engine import active_model, registry_catalogue

    model = active_model(train_if_missing=False)
    if model is None:
        return None
    catalogue = registry_catalogue(model)
    out: list[list[int]] = []
    for block in _blocks(plan):
        out += _repeats_in(model, catalogue, plan, block)
    return out


def _blocks(plan: ImportPlan) -> list[list[int]]:
    def unit(i: int) -> str:
        data = plan.rows[i].opinion
        return data.concerned if data and data.concerned else "\uffff"  # rows naming no unit last

    order = sorted(range(len(plan.rows)), key=unit)
    blocks: list[list[int]] = [[]]
    for i in order:
        current = blocks[-1]
        if len(current) >= REPEAT_BLOCK or (len(current) >= REPEAT_BLOCK // 2 and unit(current[-1]) != unit(i)):
            blocks.append(current := [])
        current.append(i)
    return [b for b in blocks if len(b) > 1]


def _repeats_in(model: Any, catalogue: Any, plan: ImportPlan, block: list[int]) -> list[list[int]]:
    from taizhang.lib import triage

    opinions = [plan.rows[i].opinion for i in block]
    texts = [o.text if o else "" for o in opinions]
    concerned = [(o.concerned or None) if o else None for o in opinions]
    analysis = triage.analyse(model, texts, catalogue=catalogue, concerned=concerned)
    ok = analysis.prep.ok  # a property that builds its list on every call
    by_group: dict[int, list[int]] = defaultdict(list)
    for j, group in enumerate(analysis.groups.tolist()):
        by_group[group].append(j)
    out = []
    for members in by_group.values():
        if len(members) < 2:
            continue
        # The engine groups by place and category; a proposal to the importer also needs the words to agree, so a
        # group is cut into the parts whose rows are linked by some shared wording: two different matters at one
        # school are not offered as one.
        linked = sp.csr_matrix(triage.text_similarity(analysis.x, members) >= REPEAT_MIN_SIMILARITY)
        count, labels = connected_components(linked, directed=False)
        for part in range(count):
            rows = [block[ok[members[k]]] for k in np.flatnonzero(labels == part)]
            if len(rows) > 1:
                out.append(sorted(rows))
    return out


def _resolve_units(plan: ImportPlan, chosen: dict[str, Any]) -> None:
    resolver = UnitResolver.load()
    by_id = {u.pk: u for u in Unit.objects.filter(pk__in=[v for v in chosen.values() if isinstance(v, int)])}
    for row in plan.rows:
        for name in row.units:
            if name in plan.units:
                continue
            pick = chosen.get(name)
            unit = by_id.get(pick) if isinstance(pick, int) else None
            plan.units[name] = unit or resolver.find(name)
            if plan.units[name] is None:
                plan.new_units.append(name)


def _existing(plan: ImportPlan) -> None:
    """Rows this installation already holds: by import key (a re-run of the same file), by the channel's own
    number (a work order that also came in through the API), or by 问题编号 (an exported ledger read back)."""
    model: Any = Opinion if plan.kind == ImportKind.OPINIONS else Problem
    keys = [r.key for r in plan.rows]
    found: dict[str, int] = {}
    for start in range(0, len(keys), 5000):
        chunk = keys[start : start + 5000]
        # The `exclude` repeats the partial unique index's condition, so SQLite and PostgreSQL can use the index.
        rows = model.objects.filter(import_key__in=chunk).exclude(import_key="").order_by()
        found.update(rows.values_list("import_key", "id"))
    if plan.kind == ImportKind.OPINIONS:
        refs = {(r.opinion.channel, r.opinion.external_ref) for r in plan.rows if r.opinion and r.opinion.external_ref}
        by_ref = _opinions_by_ref(refs)
        for row in plan.rows:
            assert row.opinion is not None
            row.existing = found.get(row.key) or by_ref.get((row.opinion.channel, row.opinion.external_ref))
        _repeated_refs(plan)
    else:
        numbers = [r.problem.number for r in plan.rows if r.problem and r.problem.number]
        by_number = dict(Problem.objects.filter(number__in=numbers).values_list("number", "id")) if numbers else {}
        for row in plan.rows:
            assert row.problem is not None
            row.existing = found.get(row.key) or by_number.get(row.problem.number)


def _opinions_by_ref(refs: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = {}
    names = sorted({ref for _channel, ref in refs})
    channels = sorted({channel for channel, _ref in refs})
    for start in range(0, len(names), 5000):
        chunk = names[start : start + 5000]
        rows = Opinion.objects.filter(channel__in=channels, external_ref__in=chunk).exclude(external_ref="").order_by()
        for channel, ref, pk in rows.values_list("channel", "external_ref", "id"):
            if (channel, ref) in refs:
                out[(channel, ref)] = pk
    return out


def _repeated_refs(plan: ImportPlan) -> None:
    """A work-order number twice in one file (an exact duplicate row, usually): the later row keeps the number
    among its source fields only, since one channel's number names one opinion."""
    first: dict[tuple[str, str], int] = {}
    for row in plan.rows:
        data = row.opinion
        if data is None or not data.external_ref or row.existing is not None:
            continue
        key = (data.channel, data.external_ref)
        if key in first:
            row.flag("repeated_ref", f"来源单号“{data.external_ref}”与第 {first[key]} 行相同")
            data.external_ref = ""
        else:
            first[key] = row.row
