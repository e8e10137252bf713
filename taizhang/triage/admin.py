from django.contrib import admin

from taizhang.triage.models import DispatchRule, TriageModel


@admin.register(DispatchRule)
class DispatchRuleAdmin(admin.ModelAdmin[DispatchRule]):
    list_display = ["category", "place_kind", "place", "unit", "learned", "support", "catalogue_version", "is_active"]
    list_filter = ["is_active", "learned", "catalogue_version", "category"]


@admin.register(TriageModel)
class TriageModelAdmin(admin.ModelAdmin[TriageModel]):
    list_display = ["version", "source", "trained_at", "examples", "corrections", "is_active"]
    exclude = ["blob"]
    readonly_fields = ["version", "source", "trained_at", "examples", "corrections", "fingerprint", "is_active"]
