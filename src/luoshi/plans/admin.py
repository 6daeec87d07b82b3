"""The Chinese admin for plans and units, with a unit-merge action."""

from django.contrib import admin, messages
from django.db import models

from luoshi.audit.admin import AuditedModelAdmin

from .choices import UnitKind
from .merge import merge_units
from .models import (
    GroupMapping,
    Organisation,
    Part,
    PendingImport,
    Plan,
    Section,
    Target,
    Task,
    TaskForce,
    TaskForceSeat,
    TaskLink,
    TaskUnit,
    Unit,
    UnitAlias,
)
from .validation import PlanError


class InOrganisation:
    """An object's organisation is chosen when it is made and not moved in the admin
    (moving a unit or a plan to another organisation would carry its reports along)."""

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "organisation"] if obj is not None else fields


@admin.register(Organisation)
class OrganisationAdmin(AuditedModelAdmin):
    list_display = ["name", "level", "parent", "code"]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    readonly_fields = ["path", "created_at", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        # moving an organisation (with everything below it) is ``luoshi org move``
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "parent"] if obj is not None else fields


class UnitAliasInline(admin.TabularInline):
    model = UnitAlias
    extra = 0
    exclude = ["organisation"]  # the unit's


@admin.register(Unit)
class UnitAdmin(InOrganisation, AuditedModelAdmin):
    list_display = ["name", "organisation", "kind", "short_name", "order"]
    list_filter = ["kind", "organisation"]
    list_editable = ["kind", "order"]
    search_fields = ["name", "aliases__name"]
    inlines = [UnitAliasInline]
    actions = ["merge_selected"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        # group phrases (区直有关单位) are no units; they are listed under 单位群体对应
        return super().get_queryset(request).exclude(kind=UnitKind.GROUP)

    @admin.action(description="合并所选的两个单位（保留先选中的名称，另一个成为别名）")
    def merge_selected(self, request, queryset):
        ids = request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME)
        units = sorted(queryset, key=lambda unit: ids.index(str(unit.pk)) if str(unit.pk) in ids else 0)
        if len(units) != 2:
            self.message_user(request, "请恰好选择两个单位进行合并。", messages.ERROR)
            return
        keep, other = units
        try:
            result = merge_units(keep, other)
        except PlanError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(request, result.message(), messages.SUCCESS)


@admin.register(GroupMapping)
class GroupMappingAdmin(InOrganisation, AuditedModelAdmin):
    list_display = ["name", "unit_names"]
    search_fields = ["name", "units__name"]
    filter_horizontal = ["units"]

    @admin.display(description="对应单位")
    def unit_names(self, obj):
        return "、".join(unit.name for unit in obj.units.all()) or "（不承担报送）"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("units")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "units":
            kwargs["queryset"] = Unit.objects.exclude(kind=UnitKind.GROUP)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class PartInline(admin.TabularInline):
    model = Part
    extra = 0
    fields = ["key", "title", "order"]


@admin.register(Plan)
class PlanAdmin(InOrganisation, AuditedModelAdmin):
    list_display = ["title", "organisation", "version", "doc_number", "date", "year", "created_at"]
    list_filter = ["year"]
    search_fields = ["title", "doc_number"]
    readonly_fields = ["series", "content_hash", "source_sha256", "diff", "created_at", "updated_at"]
    inlines = [PartInline]


@admin.register(TaskLink)
class TaskLinkAdmin(AuditedModelAdmin):
    list_display = ["upper", "lower", "kind", "state", "score", "decided_at"]
    list_filter = ["kind", "state"]
    raw_id_fields = ["upper", "lower", "via_unit"]
    readonly_fields = ["decided_by", "decided_at", "created_at", "updated_at"]


@admin.register(Section)
class SectionAdmin(AuditedModelAdmin):
    list_display = ["sid", "title", "plan"]
    list_filter = ["plan", "part"]
    search_fields = ["sid", "title", "text"]
    raw_id_fields = ["parent"]


class TaskUnitInline(admin.TabularInline):
    model = TaskUnit
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(Task)
class TaskAdmin(AuditedModelAdmin):
    list_display = ["__str__", "part", "deadline"]
    list_filter = ["plan", "part"]
    search_fields = ["title", "text", "section__sid"]
    raw_id_fields = ["section"]
    inlines = [TaskUnitInline]


@admin.register(Target)
class TargetAdmin(AuditedModelAdmin):
    list_display = ["subject", "op", "value", "unit", "section"]
    list_filter = ["plan", "part"]
    search_fields = ["subject", "text"]
    raw_id_fields = ["section"]


class SeatInline(admin.TabularInline):
    model = TaskForceSeat
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(TaskForce)
class TaskForceAdmin(AuditedModelAdmin):
    list_display = ["name", "part", "office"]
    list_filter = ["plan"]
    inlines = [SeatInline]


@admin.register(PendingImport)
class PendingImportAdmin(AuditedModelAdmin):
    list_display = ["source_name", "state", "created_by", "created_at", "plan"]
    list_filter = ["state"]
    readonly_fields = ["plan_data", "result"]
