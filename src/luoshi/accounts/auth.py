"""Authentication: django-axes' backend first, refusing a locked account name or address
before any password is checked (pages, admin and API alike); Django's model backend then
checks the password. A refusal is marked on the request so the audit log records the
attempt as blocked, not as one more failure."""

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied


class LockoutBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        try:
            return super().authenticate(request, username=username, password=password, **kwargs)
        except AxesBackendPermissionDenied:
            request.luoshi_login_blocked = True
            raise
