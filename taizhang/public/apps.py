from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    name = "taizhang.public"
    label = "public"
    verbose_name = _("群众端")

    def ready(self) -> None:
        from taizhang.audit.events import events_appended
        from taizhang.public.snapshots import on_events_appended

        events_appended.connect(on_events_appended, dispatch_uid="public-timeline-snapshots")
