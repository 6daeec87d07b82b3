"""Publication settings and pending imports in the admin (coordinator)."""

from django.contrib import admin

from .models import PendingImport, Publication, PublishedCampaign


class PublishedCampaignInline(admin.TabularInline):
    model = PublishedCampaign
    extra = 1


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ["series", "heading", "published", "updated_at"]
    list_filter = ["published"]
    inlines = [PublishedCampaignInline]


@admin.register(PendingImport)
class PendingImportAdmin(admin.ModelAdmin):
    list_display = ["source_name", "state", "created_by", "created_at", "plan"]
    list_filter = ["state"]
    readonly_fields = ["plan_data", "result"]
