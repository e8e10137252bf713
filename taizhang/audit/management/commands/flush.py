"""Django's flush, around the audit trail's append-only triggers: emptying the whole database (what the test
runner does between transactional tests, and an operator only on purpose) is the one delete they must let through
— on SQLite flush deletes row by row, which the triggers would refuse. They are back when flush returns."""

from __future__ import annotations

from typing import Any

from django.core.management.commands.flush import Command as DjangoFlush
from django.db import connections

from taizhang.audit import triggers


class Command(DjangoFlush):
    def handle(self, **options: Any) -> None:
        connection = connections[options.get("database") or "default"]
        triggers.remove(connection)
        try:
            super().handle(**options)
        finally:
            triggers.install(connection)
