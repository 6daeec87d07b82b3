"""The Chinese admin for major projects; history, snapshots and reconciliations are
read-only (they change only through the services)."""

from django.contrib import admin

from luoshi.audit.admin import AuditedModelAdmin, ReadOnlyInline

from .models import Project, ProjectChange, ProjectUpdate, Reconciliation, ReconciliationLine


class ProjectUpdateInline(ReadOnlyInline):
    model = ProjectUpdate
    fields = [
        "period_key",
        "source",
        "reported_on",
        "funds_allocated",
        "funds_paid",
        "physical_progress",
        "state",
    ]


class ProjectChangeInline(ReadOnlyInline):
    model = ProjectChange
    fields = ["created_at", "action", "actor_name", "changes", "reason"]


@admin.register(Project)
class ProjectAdmin(AuditedModelAdmin):
    list_display = [
        "code",
        "name",
        "owner_unit",
        "part",
        "funds_allocated",
        "funds_paid",
        "physical_progress",
    ]
    list_filter = ["year", "organisation", "part"]
    search_fields = ["code", "name", "owner_unit__name"]
    autocomplete_fields = ["owner_unit"]
    raw_id_fields = ["part", "task"]
    readonly_fields = ["organisation"]  # its owner unit's
    inlines = [ProjectUpdateInline, ProjectChangeInline]

    def save_model(self, request, obj, form, change):
        obj.organisation_id = obj.owner_unit.organisation_id  # as the services keep it
        super().save_model(request, obj, form, change)


class ReconciliationLineInline(ReadOnlyInline):
    model = ReconciliationLine
    fields = ["field", "reported", "confirmed", "difference", "flagged"]


@admin.register(Reconciliation)
class ReconciliationAdmin(AuditedModelAdmin):
    list_display = ["project", "period_key", "state", "confirmed_at"]
    list_filter = ["state", "period_key"]
    search_fields = ["project__code", "project__name"]
    inlines = [ReconciliationLineInline]

    def has_change_permission(self, request, obj=None):
        return False
