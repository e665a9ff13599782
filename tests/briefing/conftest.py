"""Fixtures of the briefing's tests."""

import pytest

from domain.access import Actor, grants_for


@pytest.fixture
def street_leader(settings) -> Actor:
    """A street leader who needs no account in the database (for an empty one)."""
    return Actor(id=1, username="leader", display_name="领导", grants=grants_for(settings, [("leader", None, None)]))
