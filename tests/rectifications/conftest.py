"""Fixtures of the rectification tests (world.py builds them)."""

import pytest
import time_machine

from .world import World, local, make_world


@pytest.fixture
def world(db) -> World:
    return make_world()


@pytest.fixture
def monday_may_11():
    """The clock frozen on Monday 2026-05-11, 10:00 in Shanghai (a plain working week follows)."""
    with time_machine.travel(local(2026, 5, 11), tick=False) as traveller:
        yield traveller
