from django.contrib import admin

from luoshi.audit.admin import ReadOnlyModelAdmin

from .models import Job


@admin.register(Job)
class JobAdmin(ReadOnlyModelAdmin):
    """Documents made in the background, as their users see them (the queue rows with
    tracebacks are under 后台任务)."""

    list_display = [
        "title",
        "kind",
        "organisation",
        "created_by",
        "state",
        "attempt",
        "created_at",
        "finished_at",
    ]
    list_filter = ["kind", "state"]
    search_fields = ["title", "error"]
