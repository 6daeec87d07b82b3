"""Authentication: django-axes' backend first, refusing a locked account name or address
before any password is checked (pages, admin and API alike); Django's model backend then
checks the password. A refusal is marked on the request so the audit log records the
attempt as blocked, not as one more failure."""

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from django.contrib.auth import backends, get_user_model

from luoshi.core.compiled import Compiled


class LockoutBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        try:
            return super().authenticate(request, username=username, password=password, **kwargs)
        except AxesBackendPermissionDenied:
            request.luoshi_login_blocked = True
            raise


def _user_of(*, pk):
    return (
        get_user_model()
        ._default_manager.select_related("profile__unit", "profile__organisation")
        .filter(pk=pk)
    )


_USER = Compiled(_user_of)  # every request of a signed-in user reads it: built once per process


class ModelBackend(backends.ModelBackend):
    """Django's model backend, reading the signed-in user of a request with its profile
    and unit in the same query (``actor_for`` and ``unit_of`` then ask nothing more)."""

    def get_user(self, user_id):
        user = _USER.first(pk=user_id) if type(user_id) is int else _user_of(pk=user_id).first()
        if user is None:
            return None
        return user if self.user_can_authenticate(user) else None
