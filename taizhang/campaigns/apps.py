from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "taizhang.campaigns"
    label = "campaigns"
