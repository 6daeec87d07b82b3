"""The Chinese admin for reporting: policies, periods, reports with their history."""

from django.contrib import admin
from django.db import models

from luoshi.audit.admin import AuditedModelAdmin, ReadOnlyInline, ReadOnlyModelAdmin

from .models import (
    CampaignCadence,
    Evidence,
    Message,
    Milestone,
    Period,
    Reminder,
    ReminderDelivery,
    Report,
    ReportingPolicy,
    ReportTransition,
    TargetValue,
)


@admin.register(ReportingPolicy)
class ReportingPolicyAdmin(AuditedModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = [
        "series",
        "cadence",
        "due_workdays",
        "head_approval",
        "lagging_threshold",
        "serious_threshold",
    ]


@admin.register(CampaignCadence)
class CampaignCadenceAdmin(AuditedModelAdmin):
    list_display = ["series", "part_key", "cadence"]


@admin.register(Period)
class PeriodAdmin(AuditedModelAdmin):
    list_display = ["label", "cadence", "key", "start", "end"]
    list_filter = ["cadence"]


class TransitionInline(ReadOnlyInline):
    model = ReportTransition
    fields = readonly_fields = ["from_state", "to_state", "actor", "created_at", "reason"]


class TargetValueInline(ReadOnlyInline):
    model = TargetValue
    fields = readonly_fields = ["target", "value"]


class EvidenceInline(ReadOnlyInline):
    model = Evidence
    fields = readonly_fields = ["name", "size", "sha256", "uploaded_by"]


@admin.register(Report)
class ReportAdmin(ReadOnlyModelAdmin):
    """Reports change only through their workflow: filled in, submitted, approved,
    returned, accepted, and corrected through a 更正 step that keeps the old version."""

    list_display = ["__str__", "state", "progress", "revision", "is_current", "due", "submitted_at"]
    list_filter = ["state", "period__cadence", "is_current"]
    search_fields = ["task__section__sid", "unit__name", "progress_text"]
    raw_id_fields = ["task", "unit", "period", "created_by"]
    inlines = [TargetValueInline, EvidenceInline, TransitionInline]


@admin.register(Milestone)
class MilestoneAdmin(AuditedModelAdmin):
    list_display = ["task", "title", "due_date", "done", "done_on"]
    list_filter = ["done"]
    raw_id_fields = ["task"]


class DeliveryInline(ReadOnlyInline):
    """Each channel of the notice: sent, waiting to be tried again (when, and why it
    failed last), in doubt (待核实, settled on the office's 站内消息 page: by whom, when), or
    given up."""

    model = ReminderDelivery
    fields = [
        "channel",
        "recipient",
        "state",
        "attempts",
        "next_try_at",
        "sending_at",
        "sent_at",
        "settled_by",
        "settled_at",
        "error",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Reminder)
class ReminderAdmin(AuditedModelAdmin):
    inlines = [DeliveryInline]
    list_display = ["subject", "kind", "unit", "state", "sent_at"]
    list_filter = ["kind", "state"]
    search_fields = ["subject", "key"]


@admin.register(Message)
class MessageAdmin(AuditedModelAdmin):
    list_display = ["user", "subject", "created_at", "read_at"]
