"""Fixtures for the recognition tests: the figures are checked in a hospital of the tests'
own (points' ``world``: two branches of members, an admin and a secretary, the city's
catalogue), whatever the demo city holds."""

from hongfan.points.tests.conftest import demo_authority, world

__all__ = ["demo_authority", "world"]
