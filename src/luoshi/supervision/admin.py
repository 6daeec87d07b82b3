"""The Chinese admin for supervision items and rectification ledgers. History rows and
evidence are read-only: they change only through the services."""

from django.contrib import admin

from luoshi.audit.admin import AuditedModelAdmin, ReadOnlyInline, ReadOnlyModelAdmin

from .models import ItemEvidence, ItemTransition, Ledger, LedgerUpload, SupervisionItem


class ItemTransitionInline(ReadOnlyInline):
    model = ItemTransition
    fields = [
        "created_at",
        "action",
        "from_state",
        "to_state",
        "from_level",
        "to_level",
        "actor_name",
        "actor_unit",
        "reason",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class ItemEvidenceInline(ReadOnlyInline):
    model = ItemEvidence
    fields = ["name", "file", "size", "transition", "uploaded_by", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SupervisionItem)
class SupervisionItemAdmin(ReadOnlyModelAdmin):
    """Items change only through their steps (交办, 签收, 反馈, 核查, 销号, 退回, 升级)."""

    list_display = ["pk", "title", "source", "level", "state", "lead_unit", "deadline", "closed_at"]
    list_filter = ["state", "level", "source", "ledger"]
    search_fields = ["title", "content", "lead_unit__name"]
    date_hierarchy = "deadline"
    autocomplete_fields = ["lead_unit", "cooperating_units"]
    raw_id_fields = ["task", "report", "parent", "part", "ledger"]
    readonly_fields = [
        "state",
        "level",
        "closed_at",
        "escalated_for",
        "created_by",
        "created_at",
        "updated_at",
    ]
    inlines = [ItemTransitionInline, ItemEvidenceInline]


class LedgerUploadInline(admin.TabularInline):
    model = LedgerUpload
    extra = 0
    can_delete = False
    fields = ["file_name", "file", "created_count", "updated_count", "uploaded_by", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Ledger)
class LedgerAdmin(AuditedModelAdmin):
    list_display = ["title", "source", "part", "created_at"]
    list_filter = ["source"]
    search_fields = ["title"]
    raw_id_fields = ["part"]
    inlines = [LedgerUploadInline]


@admin.register(ItemTransition)
class ItemTransitionAdmin(ReadOnlyModelAdmin):
    list_display = ["item", "action", "from_state", "to_state", "actor_name", "created_at"]
    list_filter = ["action"]
    search_fields = ["item__title", "actor_name", "reason"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
