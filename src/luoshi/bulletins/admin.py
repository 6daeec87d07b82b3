from django.contrib import admin

from luoshi.audit.admin import AuditedModelAdmin, ReadOnlyInline

from .models import Bulletin, BulletinSetup, BulletinTransition, ReviewWeights


class TransitionInline(ReadOnlyInline):
    model = BulletinTransition
    fields = ["created_at", "action", "from_state", "to_state", "actor_name", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Bulletin)
class BulletinAdmin(AuditedModelAdmin):
    """Bulletins are written through the services (which keep their history); the admin
    only shows them. An issued bulletin is read-only here as everywhere."""

    list_display = ["title", "kind", "plan", "campaign", "period_key", "state", "number", "issued_at"]
    list_filter = ["kind", "state", "plan"]
    search_fields = ["title", "plan__title", "campaign__title"]
    date_hierarchy = "month"
    inlines = [TransitionInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Bulletin._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return obj is not None and not obj.is_issued and super().has_delete_permission(request, obj)


@admin.register(ReviewWeights)
class ReviewWeightsAdmin(AuditedModelAdmin):
    list_display = ["series", "timeliness", "progress", "targets", "supervision"]
    search_fields = ["series"]


@admin.register(BulletinSetup)
class BulletinSetupAdmin(AuditedModelAdmin):
    """主送, 抄送, 印发机关 and the rules of 表扬 and 通报批评, per plan series."""

    list_display = ["series", "recipients", "office", "criticize_late_times"]
    search_fields = ["series"]
