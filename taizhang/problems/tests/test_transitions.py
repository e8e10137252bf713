"""Walks the whole status machine: every (status, step) pair is either in the table or refused."""

from __future__ import annotations

import pytest

from taizhang.errors import InvalidTransition
from taizhang.problems.models import Status
from taizhang.problems.transitions import TRANSITIONS, Step, allowed_steps, next_status


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("step", list(Step))
def test_it_follows_the_table_or_refuses(status: Status, step: Step) -> None:
    if (status, step) in TRANSITIONS:
        assert next_status(status, step) == TRANSITIONS[(status, step)]
        assert step in allowed_steps(status)
    else:
        with pytest.raises(InvalidTransition, match=str(status.label)):
            next_status(status, step)
        assert step not in allowed_steps(status)


def test_it_reaches_closed_and_back() -> None:
    path = [Step.ASSIGN, Step.SIGN, Step.APPLY_CLOSURE, Step.ACCEPT_CLOSURE, Step.REOPEN]
    status: Status = Status.NEW
    seen = []
    for step in path:
        status = next_status(status, step)
        seen.append(status)
    assert seen == [Status.ASSIGNED, Status.RECTIFYING, Status.VERIFYING, Status.CLOSED, Status.RECTIFYING]


def test_every_status_is_reachable() -> None:
    reachable = {Status.NEW} | set(TRANSITIONS.values())
    assert reachable == set(Status)
