"""A superuser working behind the audit trail's back: the append-only triggers lifted, one row edited, deleted,
inserted or two rows swapped. Shared by the tamper test and bench/bench_audit_tamper.py."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import random
from collections.abc import Iterator
from typing import Any

from django.db import connection

from taizhang.audit import triggers
from taizhang.audit.models import AuditEvent, Verb

KINDS = ("edit", "delete", "insert", "swap")
FIELDS = ("summary", "actor_name", "verb", "data", "at")


@contextlib.contextmanager
def behind_the_triggers() -> Iterator[None]:
    """A superuser editing the table directly: the append-only triggers dropped, and put back afterwards."""
    triggers.remove(connection)
    try:
        yield
    finally:
        triggers.install(connection)


def tamper(kind: str, ids: list[int], rng: random.Random) -> int:
    """One tampering of `kind` on a random event among `ids` (consecutive, not the last); returns the id of the
    first link verification must find broken."""
    victim = rng.choice(ids[:-1])
    row = AuditEvent.objects.get(pk=victim)
    events = AuditEvent.objects
    if kind == "edit":
        field = rng.choice(FIELDS)
        value: Any = {
            "summary": row.summary + "。",
            "actor_name": row.actor_name + "乙",
            "verb": Verb.OPINION_DISMISSED if row.verb != Verb.OPINION_DISMISSED else Verb.OPINION_RECEIVED,
            "data": {**row.data, "x": 1},
            "at": row.at + dt.timedelta(seconds=1),
        }[field]
        events.filter(pk=victim).update(**{field: value})
        return victim
    if kind == "delete":
        events.filter(pk=victim).delete()
        return ids[ids.index(victim) + 1]  # the next event's prev_hash now names a row that is gone
    if kind == "insert":
        # A forged event slotted in before the victim (the victim and every later row moved up one id), linked to
        # the row before it as a real one would be; without the audit key its own hash can only be a guess.
        table = connection.ops.quote_name(AuditEvent._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET id = -id WHERE id >= %s", [victim])
            cursor.execute(f"UPDATE {table} SET id = 1 - id WHERE id < 0")
        AuditEvent.objects.create(
            id=victim,
            at=row.at,
            actor_name="伪造",
            verb=row.verb,
            summary="伪造的记录",
            data={},
            prev_hash=row.prev_hash,
            hash=hashlib.sha256(f"forged {row.hash}".encode()).hexdigest(),
        )
        return victim
    # swap: the victim and the next event change places (every column but the id, hashes included)
    other = events.filter(id__gt=victim).order_by("id").first()
    assert other is not None
    columns = ["at", "actor_id", "actor_name", "verb", "problem_id", "opinion_id", "summary", "data", "prev_hash"]
    mine = {c: getattr(row, c) for c in columns}
    theirs = {c: getattr(other, c) for c in columns}
    events.filter(pk=victim).update(hash=f"swap-{victim}")  # hashes are unique: free the victim's first
    events.filter(pk=other.pk).update(**mine, hash=row.hash)
    events.filter(pk=victim).update(**theirs, hash=other.hash)
    return victim
