from django.apps import AppConfig


class ProblemsConfig(AppConfig):
    name = "taizhang.problems"
    label = "problems"
