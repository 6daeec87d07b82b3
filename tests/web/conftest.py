"""Fixtures of the page tests: today fixed at 15 July 2025, the board memo cleared."""

import pytest

from tests.clock import travel_to
from tests.web.helpers import JULY_15


@pytest.fixture
def today(db):
    from luoshi.reporting import board

    travel_to(JULY_15)
    board.clear_memo()
    yield JULY_15
    board.clear_memo()


@pytest.fixture
def client_for(client):
    """A test client signed in as the given user."""
    from django.test import Client

    def make(user):
        c = Client()
        c.force_login(user)
        return c

    return make


from tests.plans.breakdown_data import city, orgs, reported  # noqa: E402, F401  (a city and its districts: breakdown, roll-up)
