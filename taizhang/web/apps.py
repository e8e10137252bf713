from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "taizhang.web"
    label = "web"
