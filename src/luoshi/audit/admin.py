"""Admin bases every Luoshi admin uses: ``AuditedModelAdmin`` records each add, change
and delete made in the admin (fields before and after) through the audit service;
``ReadOnlyModelAdmin`` shows records that change only through their workflow (reports,
supervision items, issued bulletins, the audit log) and refuses every write, superusers
included. And the audit log's own read-only admin."""

from django.contrib import admin
from django_tasks_db.admin import DBTaskResultAdmin as _JobAdmin
from django_tasks_db.models import DBTaskResult

from .choices import AuditAction
from .models import AuditLog
from .services import diff, plain, record_change, snapshot


def _form_changes(form) -> dict:
    changes = {}
    for name in form.changed_data:
        before = form.initial.get(name)
        after = form.cleaned_data.get(name)
        changes[name] = [plain(before), plain(after)]
    return diff({k: v[0] for k, v in changes.items()}, {k: v[1] for k, v in changes.items()})


class AuditedModelAdmin(admin.ModelAdmin):
    """A ModelAdmin whose writes leave audit rows like every other write."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        action = AuditAction.CHANGE if change else AuditAction.CREATE
        changes = _form_changes(form) if change else diff({}, snapshot(obj))
        record_change(request.user, f"后台{'修改' if change else '新增'}", obj, changes, action=action)

    def delete_model(self, request, obj):
        record_change(request.user, "后台删除", obj, diff(snapshot(obj), {}), action=AuditAction.DELETE)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            record_change(request.user, "后台删除", obj, diff(snapshot(obj), {}), action=AuditAction.DELETE)
        super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        changed = {id(obj): fields for obj, fields in getattr(formset, "changed_objects", [])}
        for obj in formset.deleted_objects:
            record_change(request.user, "后台删除", obj, diff(snapshot(obj), {}), action=AuditAction.DELETE)
            obj.delete()
        for obj in instances:
            new = obj.pk is None
            before = {} if new else snapshot(type(obj)._base_manager.get(pk=obj.pk))
            obj.save()
            if new or changed.get(id(obj)) is not None:
                record_change(
                    request.user,
                    "后台新增" if new else "后台修改",
                    obj,
                    diff(before, snapshot(obj)),
                    action=AuditAction.CREATE if new else AuditAction.CHANGE,
                )
        formset.save_m2m()


class NoWrites:
    """An admin (or inline) that shows its records and writes none of them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyModelAdmin(NoWrites, AuditedModelAdmin):
    """Shown, never written here: the record changes only through its workflow (a
    correction of a report is a 更正 step with its reason on record)."""


class ReadOnlyInline(NoWrites, admin.TabularInline):
    extra = 0
    can_delete = False


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyModelAdmin):
    list_display = [
        "sequence",
        "at",
        "username",
        "address",
        "action",
        "operation",
        "object_repr",
        "status_code",
    ]
    list_filter = ["action", "method"]
    search_fields = ["username", "path", "object_id", "object_repr", "address", "operation"]
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditLog._meta.fields]

    def get_queryset(self, request):
        # an auditor of a district reads its own organisation's rows and those below it
        from luoshi.accounts.permissions import actor_for

        from .permissions import visible_audit

        return visible_audit(actor_for(request.user)) & super().get_queryset(request)


# ---------------------------------------------------------------- background jobs
# django-tasks-db's job table, shown read-only in Chinese (the queue changes only through
# enqueueing and the workers)

admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class JobAdmin(ReadOnlyModelAdmin, _JobAdmin):
    """后台任务: what was queued, by which worker it ran, how it ended."""

    list_display = ["id", "task_name", "status", "enqueued_at", "started_at", "finished_at", "queue_name"]
    list_filter = ["status", "queue_name"]
