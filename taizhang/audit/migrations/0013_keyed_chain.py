"""The audit chain's hashes become HMACs under the audit key (settings.TAIZHANG_AUDIT_KEY). An intact chain of plain
SHA-256 hashes is recomputed link by link under the key; a chain that does not verify as it stands is left exactly
as it is, so that verify_audit goes on reporting the break instead of this migration blessing it."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from typing import Any

from django.conf import settings
from django.db import migrations

GENESIS = "0" * 64


def _raw(event: Any, prev: str) -> bytes:
    payload = {
        "at": event.at.astimezone(dt.UTC).isoformat(),
        "actor": event.actor_id,
        "actor_name": event.actor_name,
        "verb": event.verb,
        "problem": event.problem_id,
        "opinion": event.opinion_id,
        "summary": event.summary,
        "data": event.data,
        "prev": prev,
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def rechain(apps: Any, schema_editor: Any) -> None:
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditHead = apps.get_model("audit", "AuditHead")
    events = AuditEvent.objects.using(schema_editor.connection.alias)
    prev = GENESIS
    for event in events.order_by("id").iterator(chunk_size=5000):  # the plain chain must verify first
        if event.prev_hash != prev or hashlib.sha256(_raw(event, prev)).hexdigest() != event.hash:
            return
        prev = event.hash
    key = str(settings.TAIZHANG_AUDIT_KEY).encode()
    prev, batch = GENESIS, []
    for event in events.order_by("id").iterator(chunk_size=5000):
        event.prev_hash = prev
        event.hash = prev = hmac.new(key, _raw(event, prev), hashlib.sha256).hexdigest()
        batch.append(event)
        if len(batch) == 2000:
            events.bulk_update(batch, ["prev_hash", "hash"])
            batch = []
    events.bulk_update(batch, ["prev_hash", "hash"])
    if prev != GENESIS:
        AuditHead.objects.using(schema_editor.connection.alias).update_or_create(pk=1, defaults={"last_hash": prev})


class Migration(migrations.Migration):
    dependencies = [("audit", "0012_report_generated_verb")]

    operations = [migrations.RunPython(rechain, migrations.RunPython.noop)]
