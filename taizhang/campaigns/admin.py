from django.contrib import admin

from taizhang.campaigns.models import Campaign, Stage


class StageInline(admin.TabularInline[Stage, Campaign]):
    model = Stage
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin[Campaign]):
    list_display = ("name", "code", "starts_on", "ends_on", "is_active")
    inlines = [StageInline]
