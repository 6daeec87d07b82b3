"""The page fixtures (a fixed today, a signed-in client) shared with the page tests."""

from tests.plans.breakdown_data import orgs  # noqa: E402, F401  (a city and its districts)
from tests.web.conftest import client_for, today  # noqa: F401
