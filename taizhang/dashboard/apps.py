from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "taizhang.dashboard"
    label = "dashboard"
    verbose_name = _("领导驾驶舱")

    def ready(self) -> None:
        pre_migrate.connect(_remove_triggers, sender=self)
        post_migrate.connect(_install_triggers, sender=self)


def _remove_triggers(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """Before migrating: the rollup triggers stay out of the way of the migrations (SQLite rebuilds a table to alter
    it, and a trigger on another table that names the rebuilt one broke that rebuild)."""
    from django.db import connections

    from taizhang.dashboard import rollups

    rollups.remove_triggers(connections[using])


def _install_triggers(sender: Any, using: str = "default", plan: Any = None, **kwargs: Any) -> None:
    """After migrating, when every table they use is there: the triggers back, and — if any migration ran, since the
    triggers did not see what it changed — every day marked for a recount (the next refresh)."""
    from django.db import connections

    from taizhang.dashboard import rollups

    connection = connections[using]
    if not set(rollups.TABLES) <= set(connection.introspection.table_names()):
        return  # migrated back, or only part of the way: no trigger may write to a table that is not there
    rollups.install_triggers(connection)
    if plan and any(not backwards for _migration, backwards in plan):
        rollups.mark_everything(connection)
