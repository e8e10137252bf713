from __future__ import annotations

import datetime as dt

import pytest

from taizhang.lib.workdays import (
    Arrangement,
    ArrangementError,
    Holiday,
    MakeupDay,
    WorkCalendar,
    official_arrangements,
    parse_arrangement,
    validate_arrangement,
)

D = dt.date
CAL = WorkCalendar.from_arrangements(official_arrangements().values())


def slow_add(cal: WorkCalendar, start: dt.date, n: int) -> dt.date:
    step = dt.timedelta(days=1 if n > 0 else -1)
    day, left = start, abs(n)
    while left:
        day += step
        left -= cal.is_workday(day)
    return day


def test_it_treats_the_2026_spring_festival_and_its_make_up_saturdays() -> None:
    assert not CAL.is_workday(D(2026, 2, 16))  # 春节 on a Monday
    assert not CAL.is_workday(D(2026, 2, 23))  # the last day of the holiday, a Monday
    assert CAL.is_workday(D(2026, 2, 14))  # 调休: Saturday worked
    assert CAL.is_workday(D(2026, 2, 28))
    assert not CAL.is_workday(D(2026, 3, 1))  # an ordinary Sunday


def test_it_adds_working_days_across_the_spring_festival() -> None:
    # Friday 13 Feb + 1 → Saturday 14 Feb (make-up day); + 2 → Tuesday 24 Feb after nine days off.
    assert CAL.add_workdays(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert CAL.add_workdays(D(2026, 2, 13), 2) == D(2026, 2, 24)
    assert CAL.add_workdays(D(2026, 2, 24), -1) == D(2026, 2, 14)
    assert CAL.workdays_between(D(2026, 2, 13), D(2026, 2, 24)) == 2


def test_it_agrees_with_walking_day_by_day() -> None:
    start = D(2025, 12, 1)
    for offset in range(0, 420, 7):
        day = start + dt.timedelta(days=offset)
        for n in (1, 2, 5, 7, 15, 23, 60, -1, -3, -15):
            fast = CAL.add_workdays(day, n)
            assert fast == slow_add(CAL, day, n), (day, n)
            if n > 0:
                assert CAL.workdays_between(day, fast) == n


def test_it_counts_zero_for_an_empty_or_holiday_range() -> None:
    assert CAL.workdays_between(D(2026, 10, 1), D(2026, 10, 7)) == 0
    assert CAL.add_workdays(D(2026, 10, 1), 0) == D(2026, 10, 1)
    assert CAL.on_or_after(D(2026, 10, 1)) == D(2026, 10, 8)


def test_it_parses_an_administrators_arrangement() -> None:
    a = parse_arrangement(2027, "元旦 2027-01-01 至 2027-01-03\n春节 2027-02-06~2027-02-13", "春节 2027-02-14\n")
    assert a.holidays[1] == Holiday("春节", D(2027, 2, 6), D(2027, 2, 13))
    assert a.makeup_days == (MakeupDay("春节", D(2027, 2, 14)),)


@pytest.mark.parametrize(
    ("holidays", "makeups", "message"),
    [
        ("春节 2027-02-13 至 2027-02-06", "", "早于开始日期"),
        ("春节 2027-02-06 至 2027-02-13\n元宵 2027-02-12", "", "重叠"),
        ("春节 2027-02-30", "", "格式有误"),
        ("2027-02-06 至 2027-02-13", "", "格式有误"),
        ("国庆节 2028-10-01 至 2028-10-07", "", "不在2027年内"),
        ("春节 2027-02-06 至 2027-02-13", "春节 2027-02-08", "落在放假期间内"),
        ("", "劳动节 2027-04-28", "不是周末"),
    ],
)
def test_it_refuses_a_bad_arrangement_in_chinese(holidays: str, makeups: str, message: str) -> None:
    with pytest.raises(ArrangementError) as caught:
        parse_arrangement(2027, holidays, makeups)
    assert any(message in m for m in caught.value.messages)


def test_it_refuses_an_arrangement_overlapping_another_year() -> None:
    y2026 = official_arrangements()[2026]
    clash = Arrangement(2027, (Holiday("元旦", D(2026, 12, 31), D(2027, 1, 1)),))
    validate_arrangement(Arrangement(2027, (Holiday("元旦", D(2027, 1, 1), D(2027, 1, 1)),)), [y2026])
    bad = Arrangement(2027, (Holiday("国庆", D(2026, 10, 7), D(2026, 10, 8)),))
    with pytest.raises(ArrangementError):
        validate_arrangement(bad, [y2026])
    validate_arrangement(clash, [y2026])


def test_it_ships_arrangements_that_validate() -> None:
    years = official_arrangements()
    for arrangement in years.values():
        validate_arrangement(
            arrangement, [years[y] for y in (arrangement.year - 1, arrangement.year + 1) if y in years]
        )
