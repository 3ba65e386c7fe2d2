"""notices' menu entry, 消息, with its unread badge (collected by hongfan.core.nav)."""

from __future__ import annotations

from hongfan.core.nav import TAIL, MenuEntry

ENTRIES = [MenuEntry("消息", "notices:inbox", "user", TAIL, 2)]
INBOX = "notices:inbox"
