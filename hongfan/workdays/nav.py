"""workdays' menu entry (collected by hongfan.core.nav)."""

from __future__ import annotations

from hongfan.core.nav import TAIL, MenuEntry

# The working-day calendar is kept by the admins (the city edits it; hospitals read it for
# their deadlines); members, secretaries and the 三员 do not need it in their menu (the
# page still opens for anyone logged in).
ENTRIES = [
    MenuEntry("工作日历", "workdays:index", audience, TAIL, 1) for audience in ("city", "hospital")
]
