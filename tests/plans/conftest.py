"""The page fixtures (a fixed today) shared with the page tests."""

from tests.web.conftest import today  # noqa: F401
