"""Triggers that refuse UPDATE and DELETE on the audit trail (taizhang.audit.triggers)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from taizhang.audit import triggers


def install(apps: Any, schema_editor: Any) -> None:
    triggers.install(schema_editor.connection)


def remove(apps: Any, schema_editor: Any) -> None:
    triggers.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0013_keyed_chain")]

    operations = [migrations.RunPython(install, remove)]
