from django.contrib import admin

from .models import Bulletin, BulletinTransition, ReviewWeights


class TransitionInline(admin.TabularInline):
    model = BulletinTransition
    extra = 0
    can_delete = False
    fields = ["at", "action", "from_state", "to_state", "actor_name", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Bulletin)
class BulletinAdmin(admin.ModelAdmin):
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

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.is_issued


@admin.register(ReviewWeights)
class ReviewWeightsAdmin(admin.ModelAdmin):
    list_display = ["series", "timeliness", "progress", "targets", "supervision"]
    search_fields = ["series"]
