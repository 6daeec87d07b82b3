"""Publication settings in the admin (coordinator)."""

from django.contrib import admin

from luoshi.audit.admin import AuditedModelAdmin

from .models import Publication, PublishedCampaign


class PublishedCampaignInline(admin.TabularInline):
    model = PublishedCampaign
    extra = 1


@admin.register(Publication)
class PublicationAdmin(AuditedModelAdmin):
    list_display = ["series", "organisation", "heading", "published", "updated_at"]
    list_filter = ["published", "organisation"]
    inlines = [PublishedCampaignInline]
