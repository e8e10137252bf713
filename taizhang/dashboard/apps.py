from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "taizhang.dashboard"
    label = "dashboard"
    verbose_name = _("领导驾驶舱")

    def ready(self) -> None:
        post_migrate.connect(_install_triggers, sender=self)


def _install_triggers(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """After every migrate: SQLite drops a table's triggers when a migration rebuilds the table."""
    from django.db import connections

    from taizhang.dashboard import rollups

    connection = connections[using]
    if set(rollups.TABLES) <= set(connection.introspection.table_names()):
        rollups.install_triggers(connection)
    else:  # migrated back, or only part of the way: triggers must not write to a table that is not there
        rollups.remove_triggers(connection)
