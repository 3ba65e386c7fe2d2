"""accounts' menu entries: the 三员's pages (collected by hongfan.core.nav)."""

from __future__ import annotations

from hongfan.core.nav import TAIL, MenuEntry

ENTRIES = [
    MenuEntry("审计日志", "audit:trail", "auditor", TAIL, 1),
    MenuEntry("数据变更", "audit:changes", "auditor", TAIL, 2),
    MenuEntry("角色授权", "security:roles", "security", TAIL, 1),
    MenuEntry("安全策略", "security:policy", "security", TAIL, 2),
    MenuEntry("账号解锁", "security:unlock", "security", TAIL, 3),
    MenuEntry("账号管理", "system:users", "system", TAIL, 1),
    MenuEntry("按花名册开通", "system:roster_accounts", "system", TAIL, 2),
    MenuEntry("批量授权", "security:roles_bulk", "security", TAIL, 4),
    # 我的 → 账号安全 (password, 动态口令, WeChat binding); admins keep the bar's buttons
    MenuEntry("账号安全", "accounts:security", "member", "我的", 9),
]
