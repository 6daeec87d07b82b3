"""The page fixtures (a fixed today) shared with the page tests."""

from tests.plans.breakdown_data import city, orgs, reported  # noqa: E402, F401  (a city and its districts: breakdown, roll-up)
from tests.web.conftest import today  # noqa: F401
