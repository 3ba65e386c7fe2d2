"""study's menu entries (collected by hongfan.core.nav)."""

from __future__ import annotations

from hongfan.core.nav import MenuEntry

ENTRIES = [
    MenuEntry("学时统计", "study:hours", "city", "学习", 1),
    MenuEntry("考试", "study:exams", "city", "学习", 2),
    MenuEntry("题库", "study:questions", "city", "学习", 3),
    MenuEntry("学时目标", "study:rules", "city", "学习", 4),
    MenuEntry("学习资料", "study:items", "hospital", "学习", 1),
    MenuEntry("确认学习记录", "study:review", "hospital", "学习", 2),
    MenuEntry("学时统计", "study:hours", "hospital", "学习", 3),
    MenuEntry("题库", "study:questions", "hospital", "学习", 4),
    MenuEntry("考试", "study:exams", "hospital", "学习", 5),
    MenuEntry("学习资料", "study:items", "branch", "学习", 1),
    MenuEntry("确认学习记录", "study:review", "branch", "学习", 2),
    MenuEntry("学时统计", "study:hours", "branch", "学习", 3),
    MenuEntry("考试", "study:exams", "branch", "学习", 4),
    MenuEntry("我的学习", "study:mine", "member", "我的", 2),
    MenuEntry("答题", "study:exams", "member", "我的", 3),
]
