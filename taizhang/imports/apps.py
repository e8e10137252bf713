from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "taizhang.imports"
    verbose_name = _("文件导入")
