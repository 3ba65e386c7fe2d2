"""workdays' menu entry (collected by hongfan.core.nav)."""

from __future__ import annotations

from hongfan.core.nav import TAIL, MenuEntry

ENTRIES = [MenuEntry("工作日历", "workdays:index", "user", TAIL, 1)]
