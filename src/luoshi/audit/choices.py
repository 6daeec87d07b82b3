"""Choices of the audit log, with Chinese labels."""

from django.db import models


class AuditAction(models.TextChoices):
    LOGIN = "login", "登录"
    LOGOUT = "logout", "退出"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOGIN_BLOCKED = "login_blocked", "锁定期间尝试登录"
    CREATE = "create", "新建"
    CHANGE = "change", "修改"
    DELETE = "delete", "删除"
    DENIED = "denied", "被拒绝的操作"
    API_CALL = "api_call", "接口调用"
