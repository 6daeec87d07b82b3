from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice

from luoshi.audit.admin import AuditedModelAdmin, ReadOnlyModelAdmin
from luoshi.audit.services import record_change

from .models import Profile


@admin.register(Profile)
class ProfileAdmin(AuditedModelAdmin):
    """用户角色. A role given here is for an account the administrator made (users are added
    with a password the administrator typed): 须修改密码 is ticked on the new role's form,
    so the user sets its own at the first sign-in."""

    list_display = ["user", "role", "organisation", "unit", "manages_below", "must_change_password"]
    list_filter = ["role", "organisation", "manages_below", "must_change_password"]
    search_fields = ["user__username", "unit__name", "organisation__name"]
    autocomplete_fields = ["unit"]

    def get_changeform_initial_data(self, request):
        return {"must_change_password": True, **super().get_changeform_initial_data(request)}


User = get_user_model()
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    """Users, managed by the system administrator; every change on the audit record. A
    password the administrator sets for someone else (重置密码) must be changed by its user
    at the next sign-in."""

    def user_change_password(self, request, id, form_url=""):
        from django.contrib.admin.utils import unquote
        from django.db import transaction

        from .permissions import actor_for
        from .services import require_password_change

        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            user = self.get_object(request, unquote(id))
            changed = (
                request.method == "POST"
                and response.status_code == 302
                and response["Location"] != request.get_full_path()  # not "conflicting data"
                and user is not None
            )
            if changed:
                record_change(request.user, "后台重置密码", user, {"password": ["******", "******"]})
                if user.pk != request.user.pk and user.has_usable_password():
                    require_password_change(actor_for(request.user), user, "管理员重置密码")
        return response


@admin.register(Group)
class GroupAdmin(AuditedModelAdmin, DjangoGroupAdmin):
    pass


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(ReadOnlyModelAdmin):
    """Second-factor devices, read-only and without their keys (django-otp's own admin
    would show and edit them): the coordinator resets a lost phone on 账号安全, the user
    enrols on 两步验证."""

    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__username"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = fields
