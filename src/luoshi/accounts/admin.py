from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice

from luoshi.audit.admin import AuditedModelAdmin, ReadOnlyModelAdmin

from .models import Profile


@admin.register(Profile)
class ProfileAdmin(AuditedModelAdmin):
    list_display = ["user", "role", "organisation", "unit", "manages_below"]
    list_filter = ["role", "organisation", "manages_below"]
    search_fields = ["user__username", "unit__name", "organisation__name"]
    autocomplete_fields = ["unit"]


User = get_user_model()
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    """Users, managed by the system administrator; every change on the audit record."""


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
