"""The API tests use the page tests' fixtures: today fixed at 15 July 2025, signed-in clients."""

from tests.plans.breakdown_data import orgs  # noqa: F401  (a city and its districts)
from tests.web.conftest import client_for, today  # noqa: F401
