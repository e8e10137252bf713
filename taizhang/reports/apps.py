from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "taizhang.reports"
    label = "reports"
    verbose_name = _("通报与报表")
