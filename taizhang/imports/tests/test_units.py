"""Unit names as files write them, matched to the registry."""

from __future__ import annotations

from types import SimpleNamespace

from taizhang.accounts.models import Unit, UnitAlias, UnitKind
from taizhang.imports.units import UnitResolver, split_units


def test_it_finds_units_by_the_names_files_use(cast: SimpleNamespace) -> None:
    second = Unit.objects.create(name="青溪县第二中学", short_name="县二中", kind=UnitKind.SCHOOL, parent=cast.bureau)
    UnitAlias.objects.create(name="县二高", unit=second)
    find = UnitResolver.load().find
    for name in ["青溪县第二中学", "县二中", "二中", "县2中", "第二中学", "县第二中学", "县二高", "县二中（牵头）"]:
        assert find(name) == second, name
    for name in ["县教育局", "教育局", "局机关", "青溪县教育局"]:
        assert find(name) == cast.bureau, name
    assert find("实验小学") == cast.school
    assert find("县教师发展中心") is None


def test_it_splits_a_cell_of_several_units_and_skips_words_that_are_not_units() -> None:
    assert split_units("计财股、基础教育股") == ["计财股", "基础教育股"]
    assert split_units("办公室牵头，各股室配合") == ["办公室"]
    assert split_units("基础教育股（牵头）/安全稳定股（配合）") == ["基础教育股", "安全稳定股"]
    assert split_units("（未交办）") == [] and split_units("全县各学校") == [] and split_units("无") == []
