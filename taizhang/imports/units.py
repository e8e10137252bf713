"""Unit names as files write them → the registry: full names, short names, the name without the county,
learned aliases (单位别名), and the bureau's own many names (县教育局, 教育局, 局机关)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from taizhang.accounts.models import Unit, UnitAlias, UnitKind
from taizhang.lib.cnvalues import cell_str, fold

_SPLIT = re.compile(r"[、,，;；/／\n]+|\s{2,}")
_ROLE_NOTE = re.compile(r"[（(](?:牵头|主责|负责|配合|协办|协助|责任)[)）]|(?<=.{2})(?:牵头|主责|负责|配合|协办|协助)$")
# Words that fill a unit cell without naming one unit: nothing to match or create.
NOT_A_UNIT = re.compile(r"^(?:各|全县|全局|全市|全体|所有)|^(?:无|暂无|不详|待定|/|-|—|见备注)$|^[（(].*[)）]$")
_ANY_PAREN = re.compile(r"[（(][^）)]*[)）]")
BUREAU_WORDS = ("县教育局", "教育局", "局机关", "本局", "县局", "局办公室")
_COUNTY = re.compile(r"^(.{1,6}?[县市区旗])")


_NUMERALS = str.maketrans("123456789", "一二三四五六七八九")


def unit_key(name: str) -> str:
    """How names are compared: NFKC, no spaces, single Arabic digits as Chinese numerals (县1中 = 县一中)."""
    return fold(name).translate(_NUMERALS)


def split_units(text: object) -> list[str]:
    """`计财股、基础教育股` → two names; `基础教育股（牵头）` → the name; blanks dropped, order kept."""
    names = []
    for part in _SPLIT.split(cell_str(text)):
        name = _ROLE_NOTE.sub("", part).strip(" 　。.")
        if name and name not in names and not NOT_A_UNIT.search(name):
            names.append(name)
    return names


def guess_kind(name: str) -> str:
    if "幼儿园" in name:
        return UnitKind.KINDERGARTEN
    if any(word in name for word in ("学校", "中学", "小学", "中心校", "学院", "一中", "二中", "职专", "九年")):
        return UnitKind.SCHOOL
    if "督导组" in name:
        return UnitKind.INSPECTION_GROUP
    return UnitKind.OFFICE


@dataclass
class UnitResolver:
    """Built once per import from the registry; `find` is a dictionary look-up."""

    by_key: dict[str, Unit]
    bureau: Unit | None

    @classmethod
    def load(cls) -> UnitResolver:
        units = list(Unit.objects.filter(is_active=True).order_by("sort_order", "id"))
        bureau = next((u for u in units if u.kind == UnitKind.BUREAU and u.parent_id is None), None)
        by_key: dict[str, Unit] = {}
        ambiguous: set[str] = set()
        county = ""
        if bureau and (m := _COUNTY.match(bureau.name)):
            county = m.group(1)

        def add(key: str, unit: Unit, *, strong: bool = False) -> None:
            key = unit_key(key)
            if not key:
                return
            if strong:
                by_key[key] = unit
            elif key in by_key and by_key[key].pk != unit.pk:
                ambiguous.add(key)
            else:
                by_key.setdefault(key, unit)

        for unit in units:
            if county and unit.name.startswith(county):
                add(unit.name[len(county) :], unit)  # 第一中学
                add("县" + unit.name[len(county) :], unit)  # 县第一中学
            if unit.short_name:
                add(unit.short_name, unit)
                if unit.short_name.startswith("县") and len(unit.short_name) > 2:
                    add(unit.short_name[1:], unit)  # 县二中 → 二中
        for key in ambiguous:
            by_key.pop(key, None)
        for unit in units:
            add(unit.name, unit, strong=True)
        if bureau:
            for word in BUREAU_WORDS:
                by_key.setdefault(unit_key(word), bureau)
        for alias in UnitAlias.objects.select_related("unit").filter(unit__is_active=True):
            by_key[unit_key(alias.name)] = alias.unit
        return cls(by_key, bureau)

    def find(self, name: str) -> Unit | None:
        key = unit_key(name)
        if key in self.by_key:
            return self.by_key[key]
        return self.by_key.get(unit_key(_ANY_PAREN.sub("", name)))
