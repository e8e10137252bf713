from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProblemsConfig(AppConfig):
    name = "taizhang.problems"
    label = "problems"
    verbose_name = _("问题台账")
