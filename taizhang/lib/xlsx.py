"""openpyxl helpers shared by the exports."""

from __future__ import annotations

from typing import Any

from openpyxl.cell import WriteOnlyCell


def text_cell(ws: Any, text: str) -> WriteOnlyCell:
    """Always a string: text the public typed must not become a formula ("=HYPERLINK(…)") when opened."""
    cell = WriteOnlyCell(ws, value=text)
    cell.data_type = "s"
    return cell


def safe_row(ws: Any, values: list[Any]) -> list[Any]:
    """Keep plain values cheap; only strings that openpyxl would store as formulas become text cells."""
    return [text_cell(ws, v) if isinstance(v, str) and v.startswith("=") else v for v in values]
