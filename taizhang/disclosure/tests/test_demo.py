"""The demo county shows 公示: a past batch of fixed problems, a current one being fixed, and objections to
both, some answered and two still waiting for the coordinators."""

from __future__ import annotations

import io
from typing import Any

from django.core.management import call_command
from django.test import Client

from taizhang.accounts.models import User
from taizhang.clock import today
from taizhang.disclosure.models import Batch, BatchKind, BatchState, Objection, ObjectionOutcome
from taizhang.supervision.models import Notification
from taizhang.web.todo import todo_for


def test_the_demo_publishes_two_batches_with_objections_answered_and_waiting(db: Any, client: Client) -> None:
    call_command("load_demo", scale=0.05, stdout=io.StringIO())
    past, current = Batch.objects.order_by("id")
    assert (past.kind, past.state) == (BatchKind.FIXED, BatchState.PUBLISHED)
    assert past.ends_on is not None and past.ends_on < today()
    assert (current.kind, current.state) == (
        BatchKind.TO_FIX,
        BatchState.PUBLISHED,
    ) and current.is_open_for_objections()
    assert past.items.exists() and current.items.exists()
    waiting = Objection.objects.filter(answered_at__isnull=True)
    assert waiting.count() == 2 and {o.item.batch for o in waiting} == {current}
    answered = Objection.objects.filter(answered_at__isnull=False)
    assert {o.item.batch for o in answered} == {past, current}
    assert {o.outcome for o in answered} == {ObjectionOutcome.NOT_UPHELD, ObjectionOutcome.CORRECTED}
    assert all(o.reply and o.answered_at and o.answered_at > o.created_at for o in answered)
    coordinator = User.objects.get(username="coord")
    assert todo_for(coordinator).counts["answer_objection"] == 2
    assert Notification.objects.filter(recipient=coordinator, title__startswith="公示异议").exists()
    page = client.get("/disclosures/").content.decode()
    assert past.title in page and current.title in page
