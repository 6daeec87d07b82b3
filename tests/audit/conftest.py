"""The page fixtures (a fixed today, a signed-in client) shared with the page tests."""

from tests.web.conftest import client_for, today  # noqa: F401
