"""The Chinese working-day calendar: weekends, public holidays and 调休 make-up working days.

Pure Python. A `WorkCalendar` is built once from every year's arrangement and answers in O(log n): counting
working days uses weekday arithmetic plus two sorted lists of exceptions (holidays that fall on a weekday,
make-up days that fall on a weekend), so nothing loops or queries per day.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Holiday:
    name: str
    first: dt.date
    last: dt.date


@dataclass(frozen=True)
class MakeupDay:
    name: str
    day: dt.date


@dataclass(frozen=True)
class Arrangement:
    """One year's notice: its holidays (放假) and its make-up working days (调休上班)."""

    year: int
    holidays: tuple[Holiday, ...] = ()
    makeup_days: tuple[MakeupDay, ...] = ()

    def holiday_dates(self) -> set[dt.date]:
        days: set[dt.date] = set()
        for h in self.holidays:
            d = h.first
            while d <= h.last:
                days.add(d)
                d += ONE_DAY
        return days


class ArrangementError(ValueError):
    """A malformed or contradictory arrangement; `messages` are in Chinese, one per problem found."""

    def __init__(self, messages: Sequence[str]) -> None:
        super().__init__("；".join(messages))
        self.messages = list(messages)


def _weekdays_through(day: dt.date) -> int:
    """Mondays-to-Fridays from an epoch up to and including `day` (ordinal 1 is a Monday)."""
    n = day.toordinal()  # 0001-01-01 is a Monday
    weeks, rest = divmod(n, 7)
    return weeks * 5 + min(rest, 5)


@dataclass
class WorkCalendar:
    holidays: frozenset[dt.date] = frozenset()
    makeup_days: frozenset[dt.date] = frozenset()
    _weekday_holidays: list[dt.date] = field(init=False, repr=False)
    _weekend_makeups: list[dt.date] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._weekday_holidays = sorted(d for d in self.holidays if d.weekday() < 5 and d not in self.makeup_days)
        self._weekend_makeups = sorted(d for d in self.makeup_days if d.weekday() >= 5)

    @classmethod
    def from_arrangements(cls, arrangements: Iterable[Arrangement]) -> WorkCalendar:
        holidays: set[dt.date] = set()
        makeups: set[dt.date] = set()
        for a in arrangements:
            holidays |= a.holiday_dates()
            makeups |= {m.day for m in a.makeup_days}
        return cls(frozenset(holidays), frozenset(makeups))

    def is_workday(self, day: dt.date) -> bool:
        if day in self.makeup_days:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def workdays_through(self, day: dt.date) -> int:
        """Working days from the epoch up to and including `day`; differences of this count ranges."""
        return (
            _weekdays_through(day)
            - bisect.bisect_right(self._weekday_holidays, day)
            + bisect.bisect_right(self._weekend_makeups, day)
        )

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end`; negative when `end` comes first."""
        return self.workdays_through(end) - self.workdays_through(start)

    def add_workdays(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after `start` (n > 0) or before it (n < 0); `start` itself when n == 0."""
        if n == 0:
            return start
        # The answer is the first day whose running count reaches the target; the count never decreases,
        # so a binary search over a window that surely contains it finds it without walking day by day.
        target = self.workdays_through(start) + n if n > 0 else self.workdays_through(start - ONE_DAY) + n + 1
        span = dt.timedelta(days=abs(n) * 2 + 60)
        lo, hi = (start + ONE_DAY, start + span) if n > 0 else (start - span, start - ONE_DAY)
        while self.workdays_through(hi) < target:
            hi += span
        while self.workdays_through(lo) >= target and n < 0:
            lo -= span
        low, high = lo.toordinal(), hi.toordinal()
        while low < high:
            mid = (low + high) // 2
            if self.workdays_through(dt.date.fromordinal(mid)) >= target:
                high = mid
            else:
                low = mid + 1
        return dt.date.fromordinal(low)

    def on_or_after(self, day: dt.date) -> dt.date:
        """`day` if it is a working day, else the next one."""
        while not self.is_workday(day):
            day += ONE_DAY
        return day


# ---- arrangements typed by an administrator ------------------------------------------------------------

_HOLIDAY_LINE = re.compile(
    r"^\s*(?P<name>[^\s\d]\S*)\s+(?P<first>\d{4}-\d{1,2}-\d{1,2})\s*(?:(?:至|~|－|-{1,2}|到)\s*(?P<last>\d{4}-\d{1,2}-\d{1,2}))?\s*$"
)
_MAKEUP_LINE = re.compile(r"^\s*(?P<name>[^\s\d]\S*)\s+(?P<day>\d{4}-\d{1,2}-\d{1,2})\s*$")


def _parse_date(text: str) -> dt.date | None:
    try:
        y, m, d = (int(p) for p in text.split("-"))
        return dt.date(y, m, d)
    except ValueError:
        return None


def parse_arrangement(year: int, holidays_text: str, makeup_text: str) -> Arrangement:
    """Parse an administrator's text: one holiday per line `春节 2027-02-06 至 2027-02-13`, one make-up day per
    line `春节 2027-02-14`. Raises ArrangementError naming every bad line."""
    errors: list[str] = []
    holidays: list[Holiday] = []
    makeups: list[MakeupDay] = []
    for no, line in enumerate(holidays_text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _HOLIDAY_LINE.match(line)
        first = _parse_date(match["first"]) if match else None
        last = _parse_date(match["last"]) if match and match["last"] else first
        if match is None or first is None or last is None:
            errors.append(f"放假安排第{no}行格式有误：“{line.strip()}”，应为“节日名 开始日期 至 结束日期”。")
            continue
        holidays.append(Holiday(match["name"], first, last))
    for no, line in enumerate(makeup_text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _MAKEUP_LINE.match(line)
        day = _parse_date(match["day"]) if match else None
        if match is None or day is None:
            errors.append(f"调休上班第{no}行格式有误：“{line.strip()}”，应为“节日名 日期”。")
            continue
        makeups.append(MakeupDay(match["name"], day))
    if errors:
        raise ArrangementError(errors)
    arrangement = Arrangement(year, tuple(holidays), tuple(makeups))
    validate_arrangement(arrangement)
    return arrangement


def _near_year(day: dt.date, year: int) -> bool:
    # A New Year's Day holiday may start in the last days of December of the year before.
    return day.year == year or (day.year == year - 1 and day.month == 12)


def validate_arrangement(arrangement: Arrangement, others: Iterable[Arrangement] = ()) -> None:
    """Refuse holidays that run backwards, overlap each other or another year's, fall outside their year,
    and make-up days that are inside a holiday, repeated, or not a weekend."""
    errors: list[str] = []
    year = arrangement.year
    ordered = sorted(arrangement.holidays, key=lambda h: h.first)
    for h in ordered:
        if h.last < h.first:
            errors.append(f"{h.name}的结束日期{h.last:%Y-%m-%d}早于开始日期{h.first:%Y-%m-%d}。")
        elif not (_near_year(h.first, year) and _near_year(h.last, year)):
            errors.append(f"{h.name}（{h.first:%Y-%m-%d} 至 {h.last:%Y-%m-%d}）不在{year}年内。")
        elif (h.last - h.first).days > 15:
            errors.append(f"{h.name}连续放假超过16天，请检查日期。")
    for a, b in itertools.pairwise(ordered):
        if b.first <= a.last:
            errors.append(f"{a.name}与{b.name}的放假日期重叠。")
    holiday_days = arrangement.holiday_dates() if not errors else set()
    seen: set[dt.date] = set()
    for m in arrangement.makeup_days:
        if m.day in seen:
            errors.append(f"调休上班日{m.day:%Y-%m-%d}重复。")
        seen.add(m.day)
        if m.day in holiday_days:
            errors.append(f"调休上班日{m.day:%Y-%m-%d}落在放假期间内。")
        if m.day.weekday() < 5:
            errors.append(f"调休上班日{m.day:%Y-%m-%d}不是周末，本来就是工作日。")
        if not _near_year(m.day, year) and not (m.day.year == year + 1 and m.day.month == 1):
            errors.append(f"调休上班日{m.day:%Y-%m-%d}不在{year}年内。")
    if not errors:
        for other in others:
            if other.year == year:
                continue
            clash = holiday_days & other.holiday_dates()
            if clash:
                errors.append(f"放假日期{min(clash):%Y-%m-%d}与{other.year}年的安排重叠。")
            clash_days = seen & (other.holiday_dates() | {m.day for m in other.makeup_days})
            if clash_days:
                errors.append(f"调休上班日{min(clash_days):%Y-%m-%d}与{other.year}年的安排冲突。")
    if errors:
        raise ArrangementError(errors)


def format_holidays(arrangement: Arrangement) -> str:
    return "\n".join(f"{h.name} {h.first:%Y-%m-%d} 至 {h.last:%Y-%m-%d}" for h in arrangement.holidays)


def format_makeup_days(arrangement: Arrangement) -> str:
    return "\n".join(f"{m.name} {m.day:%Y-%m-%d}" for m in arrangement.makeup_days)


def official_arrangements() -> dict[int, Arrangement]:
    """The arrangements the product ships with (see cn_holidays.py)."""
    from taizhang.lib.cn_holidays import OFFICIAL_ARRANGEMENTS

    return {
        year: Arrangement(
            year,
            tuple(Holiday(n, f, last) for n, f, last in hs),
            tuple(MakeupDay(n, d) for n, d in ms),
        )
        for year, (hs, ms) in OFFICIAL_ARRANGEMENTS.items()
    }
