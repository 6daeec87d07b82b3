"""Authentication: Django's model backend that refuses a locked account name."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .lockout import locked_until


class LockoutModelBackend(ModelBackend):
    """The model backend, except that an account name locked after repeated failures
    cannot sign in until the lock-out ends (pages, admin and API alike)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username and locked_until(username):
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
