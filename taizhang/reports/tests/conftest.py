"""The 考核 tests' November 2026 ledger (played through the real actions), with more opinions around it: other
channels and groups, one not taken up, one still waiting, and a problem and an opinion after the month."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from taizhang.assessment.tests.conftest import at, ledger  # noqa: F401 - fixtures shared with 考核's tests
from taizhang.intake.actions import (
    NewProblem,
    OpinionInput,
    do_create_problem_from_opinion,
    do_dismiss_opinion,
    do_receive_opinion,
)
from taizhang.intake.models import Channel, DismissReason
from taizhang.problems.models import Category, CategoryGroup


@pytest.fixture
def month(cast: SimpleNamespace, ledger: SimpleNamespace, at: Any) -> SimpleNamespace:  # noqa: F811
    def receive(text: str, channel: str) -> Any:
        data = OpinionInput(channel=channel, text=text, reporter_name="李四")
        return do_receive_opinion(data, actor=cast.coordinator)

    four_winds = Category.objects.filter(group=CategoryGroup.FOUR_WINDS).order_by("id")[0]
    at(11, 21)
    opinion = receive("局机关某股室办事推诿。", Channel.ONLINE_FORM)
    formula = do_create_problem_from_opinion(
        opinion,
        NewProblem(title='=HYPERLINK("http://x","点我")', description="办事推诿。", category=four_winds),
        actor=cast.coordinator,
    )
    receive("学校门口小卖部卫生差。", Channel.SUGGESTION_BOX)  # left waiting (待梳理)
    dismissed = receive("希望多组织春游。", Channel.FORUM)
    do_dismiss_opinion(dismissed, actor=cast.coordinator, reason=DismissReason.values[0], answer="已转学校研究。")
    at(12, 1, 10)
    later = receive("十二月才收到的意见。", Channel.HOTLINE_12345)
    return SimpleNamespace(**vars(ledger), formula=formula, later=later, four_winds=four_winds)
