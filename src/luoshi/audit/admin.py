"""The audit log in the admin: read-only, for the coordinator."""

from django.contrib import admin

from .models import AuditLog


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = [
        "at",
        "username",
        "action",
        "method",
        "path",
        "status_code",
        "ip",
        "object_type",
        "object_id",
    ]
    list_filter = ["action", "method"]
    search_fields = ["username", "path", "object_id", "ip"]
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditLog._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
