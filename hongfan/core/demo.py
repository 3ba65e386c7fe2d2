"""The demo city, built in steps the apps register (as they register their menu entries):
org's ``builddemo`` builds the city, its hospitals, people and demo accounts, then runs every
registered step in order. Core imports no app; an app adds its demo data without editing
org's command. A step must be idempotent (``builddemo`` may run again on a built city)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DemoStep:
    name: str
    order: int  # steps run from the lowest order up (a producer's data before its readers')
    build: Callable[[Any], None]  # called with the city's Authority


_steps: list[DemoStep] = []


def register(step: DemoStep) -> None:
    """Called by an app's ``AppConfig.ready``."""
    if all(s.name != step.name for s in _steps):
        _steps.append(step)


def steps() -> list[DemoStep]:
    return sorted(_steps, key=lambda s: s.order)
