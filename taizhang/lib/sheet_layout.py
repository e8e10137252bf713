"""Find a sheet's header as a person would: past title rows and a 统计截止时间 line, over one or two header rows
(a group header merged above its leaf headers), and tell data rows from totals, 说明 and signature rows.

The caller supplies what each field may be called (`Synonyms`); this module knows only layout.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from taizhang.lib.cnvalues import cell_str
from taizhang.lib.tables import CellValue, Grid

Synonyms = Mapping[str, Sequence[str]]  # field name → the header texts that mean it, most usual first
HEADER_SEARCH_ROWS = 30
_DECORATION = re.compile(r"[\s*＊:：]|（必填）|\(必填\)|（选填）|\(选填\)")
_TOTALS = re.compile(r"^(?:合计|总计|小计|共计|累计)")
_NOTE = re.compile(r"^(?:说明|注[:：1１]|备注[:：]|填表说明|附注|注意)")
_SIGNATURE = re.compile(r"盖章|填报人|填表人|审核人|制表人|签字|签名|单位负责人[:：]|分管领导[:：]|联系电话[:：]")


def header_key(text: object) -> str:
    return _DECORATION.sub("", unicodedata.normalize("NFKC", cell_str(text)))


@dataclass(frozen=True)
class Column:
    index: int
    header: str  # as the sheet names it (leaf header; group/leaf when the leaf alone is ambiguous)
    field: str | None  # None: kept as a source field only


@dataclass
class Layout:
    sheet: str
    header_rows: list[int]
    columns: list[Column]
    rows: list[tuple[int, list[CellValue]]] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    score: int = 0

    def fields(self) -> dict[str, int]:
        return {c.field: c.index for c in self.columns if c.field}


class Matcher:
    """Header text → field: an exact synonym first, then the longest synonym the header contains."""

    def __init__(self, synonyms: Synonyms) -> None:
        self.exact: dict[str, str] = {}
        self.partial: list[tuple[str, str]] = []
        for name, words in synonyms.items():
            for word in words:
                key = header_key(word)
                self.exact.setdefault(key, name)
                if len(key) >= 2:
                    self.partial.append((key, name))
        self.partial.sort(key=lambda pair: -len(pair[0]))

    def field_of(self, header: str) -> tuple[str | None, int]:
        key = header_key(header)
        if not key or len(key) > 30:
            return None, 0
        if key in self.exact:
            return self.exact[key], 2
        for word, name in self.partial:
            if word in key:
                return name, 1
        return None, 0


def _headers(top: list[CellValue], leaf: list[CellValue] | None) -> list[str]:
    width = max(len(top), len(leaf or []))
    out = []
    for i in range(width):
        t = cell_str(top[i]) if i < len(top) else ""
        lf = cell_str(leaf[i]) if leaf is not None and i < len(leaf) else ""
        out.append(lf if lf and lf != t else t)
    return out


def _assign(headers: list[str], matcher: Matcher) -> tuple[list[Column], int]:
    """Each field goes to its best-matching column (exact beats partial, then leftmost); the rest are kept."""
    best: dict[str, tuple[int, int]] = {}
    for i, text in enumerate(headers):
        name, quality = matcher.field_of(text)
        if name and (name not in best or quality > best[name][1]):
            best[name] = (i, quality)
    taken = {i: name for name, (i, _q) in best.items()}
    columns = [Column(i, h, taken.get(i)) for i, h in enumerate(headers) if h]
    return columns, sum(2 + q for _i, q in best.values())


def find_layout(grid: Grid, synonyms: Synonyms, *, key_field: str) -> Layout | None:
    """The best header in the first rows (one row, or a group row over a leaf row); None when no row names the
    key field (the content column) and one other."""
    matcher = Matcher(synonyms)
    head = grid.rows[:HEADER_SEARCH_ROWS]
    best: Layout | None = None
    best_rank = (0, 0)
    for pos, (number, cells) in enumerate(head):
        options = [([number], _headers(cells, None), 0)]
        if pos + 1 < len(head) and head[pos + 1][0] == number + 1:
            leaf = head[pos + 1][1]
            # A real two-row header shares cells merged down from the top row (序号, 问题描述); a 统计截止时间
            # line above a one-row header shares none, so the one-row reading wins the tie.
            shared = sum(1 for a, b in zip(cells, leaf, strict=False) if a not in (None, "") and a == b)
            options.append(([number, number + 1], _headers(cells, leaf), 1 if shared else -1))
        for rows, headers, tie in options:
            columns, score = _assign(headers, matcher)
            named = {c.field for c in columns if c.field}
            rank = (score, tie)
            if key_field in named and len(named) >= 2 and rank > best_rank:
                best, best_rank = Layout(grid.name, rows, columns, score=score), rank
    if best is None:
        return None
    _split_rows(grid, best, key_field)
    return best


def _split_rows(grid: Grid, layout: Layout, key_field: str) -> None:
    last_header = layout.header_rows[-1]
    header_texts = {header_key(c.header) for c in layout.columns}
    fields = layout.fields()
    key_index = fields.get(key_field, -1)
    serial = fields.get("serial")
    for number, cells in grid.rows:
        if number <= last_header:
            continue
        if reason := _not_data(cells, header_texts, key_index, serial):
            layout.skipped.append((number, reason))
        else:
            layout.rows.append((number, cells))


def _not_data(cells: list[CellValue], header_texts: set[str], key_index: int, serial: int | None) -> str:
    texts = [cell_str(c) for c in cells]
    filled = [t for t in texts if t]
    distinct = list(dict.fromkeys(filled))
    keys = {header_key(t) for t in filled}
    if keys and keys <= header_texts:
        return "重复的表头"
    first = unicodedata.normalize("NFKC", distinct[0]) if distinct else ""
    content = texts[key_index] if 0 <= key_index < len(texts) else ""
    if _TOTALS.match(first.replace(" ", "")) and (len(distinct) <= 3 or not content or _TOTALS.match(content)):
        return "合计行"
    if _NOTE.match(first) and len(distinct) <= 2:
        return "说明行"
    # 填报单位（盖章）：… 填报人：… 审核人：…, in separate cells or spaced out in one merged cell.
    signed = len(_SIGNATURE.findall(" ".join(distinct)))
    short = all(len("".join(t.split())) <= 60 for t in distinct)
    if short and (signed >= 2 or (signed and len(distinct) <= 4)):
        return "签章行"
    if serial is not None and len(filled) == 1 and serial < len(texts) and texts[serial]:
        return "只有一格，没有内容"
    return ""


def choose_layout(grids: Sequence[Grid], synonyms: Synonyms, *, key_field: str) -> Layout | None:
    """The data sheet: notes sheets (填表说明, 可选值 …) are skipped; of the rest, the best-named header wins."""
    found = [lay for g in grids if not g.is_notes and (lay := find_layout(g, synonyms, key_field=key_field))]
    return max(found, key=lambda lay: (lay.score, len(lay.rows)), default=None)
