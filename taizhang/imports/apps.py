from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "taizhang.imports"
    verbose_name = "文件导入"
