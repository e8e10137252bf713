from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "taizhang.triage"
    label = "triage"
