"""Values as Chinese offices type them."""

from __future__ import annotations

import datetime as dt

import pytest

from taizhang.lib import cnvalues as cv

TODAY = dt.date(2026, 12, 4)


@pytest.mark.parametrize(
    ("value", "expected", "has_time", "from_text"),
    [
        (dt.datetime(2026, 11, 3, 9, 15), dt.datetime(2026, 11, 3, 9, 15), True, False),
        (dt.date(2026, 11, 3), dt.datetime(2026, 11, 3), False, False),
        (46329.5, dt.datetime(2026, 11, 3, 12, 0), True, False),  # an Excel serial number
        ("2026.10.8", dt.datetime(2026, 10, 8), False, True),
        ("2026.11.8 09:12", dt.datetime(2026, 11, 8, 9, 12), True, True),
        ("2026年10月9日", dt.datetime(2026, 10, 9), False, True),
        ("2026/5/6", dt.datetime(2026, 5, 6), False, True),
        ("2026年10月21日15时", dt.datetime(2026, 10, 21, 15, 0), True, True),
        ("２０２６／１０／８", dt.datetime(2026, 10, 8), False, True),
        ("20261108", dt.datetime(2026, 11, 8), False, True),
    ],
)
def test_it_reads_dates_as_people_write_them(
    value: object, expected: dt.datetime, has_time: bool, from_text: bool
) -> None:
    parsed = cv.parse_moment(value)
    assert (parsed.moment, parsed.has_time, parsed.from_text) == (expected, has_time, from_text)


@pytest.mark.parametrize("value", ["办理中", "2026年13月40日", "待定"])
def test_words_in_a_date_column_are_kept_as_words(value: str) -> None:
    parsed = cv.parse_moment(value)
    assert parsed.moment is None and parsed.words == value


@pytest.mark.parametrize(
    ("value", "due", "kind"),
    [
        ("2026年12月底前", dt.date(2026, 12, 31), None),
        ("2027年6月底前", dt.date(2027, 6, 30), None),
        ("2027年秋季学期前", dt.date(2027, 8, 31), None),
        ("2027年春季开学前", dt.date(2027, 2, 28), None),
        ("2026年底前", dt.date(2026, 12, 31), None),
        ("2027年第一季度", dt.date(2027, 3, 31), None),
        ("3月底前", dt.date(2027, 3, 31), None),  # no year: the next March from today
        ("立行立改", None, cv.KindWord.IMMEDIATE),
        ("长期坚持", None, cv.KindWord.LONG_TERM),
        (dt.date(2026, 9, 30), dt.date(2026, 9, 30), None),
    ],
)
def test_it_reads_deadlines_in_words(value: object, due: dt.date | None, kind: cv.KindWord | None) -> None:
    parsed = cv.parse_deadline(value, today=TODAY)
    assert (parsed.due, parsed.kind) == (due, kind)


def test_it_keeps_masked_and_double_phones_and_marks_invalid_ones() -> None:
    assert cv.parse_phones("138****1234") == [cv.Phone("138****1234", masked=True)]
    assert [p.text for p in cv.parse_phones("13912345678/0571-88888888")] == ["13912345678", "0571-88888888"]
    assert cv.parse_phones("１３９００００１１１１")[0].valid
    assert cv.parse_phones("12345")[0].valid  # the hotline itself
    assert not cv.parse_phones("1381234")[0].valid


@pytest.mark.parametrize(
    ("value", "state", "standard"),
    [
        ("已完成", cv.Completion.DONE, True),
        ("正在整改", cv.Completion.ONGOING, True),
        ("整改中（40%）", cv.Completion.ONGOING, True),  # Taizhang's own export
        ("待签收（超期3天）", cv.Completion.NOT_SIGNED, True),
        ("基本完成", cv.Completion.ONGOING, False),
        ("未完成", cv.Completion.ONGOING, True),
        ("尚未完成整改", cv.Completion.ONGOING, False),
        ("", cv.Completion.UNKNOWN, True),
    ],
)
def test_it_reads_completion_words(value: str, state: cv.Completion, standard: bool) -> None:
    parsed = cv.parse_completion(value)
    assert (parsed.state, parsed.standard) == (state, standard)


def test_free_text_keeps_chinese_punctuation_and_line_breaks() -> None:
    assert cv.clean_text("作业太多，\r\n周末打卡１２次「很累」 ") == "作业太多，\n周末打卡12次“很累”"
