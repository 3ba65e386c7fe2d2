"""The service app's test data, one module per part of the app (each part's tests import
its own): ``factories_activities`` (brand, measures, places, activities), and the modules
of the sign-up and hours, desk and post, and home-nursing parts. This module names them
so that a new test finds the builders in one place."""

from __future__ import annotations

from hongfan.service.tests import (
    factories_activities,
    factories_desks,
    factories_hours,
    factories_nursing,
)

PARTS = [factories_activities, factories_hours, factories_desks, factories_nursing]
