from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "taizhang.intake"
    label = "intake"
    verbose_name = _("意见征集")
