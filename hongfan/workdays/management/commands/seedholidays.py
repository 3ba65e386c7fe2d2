"""Copy the years the chinesecalendar library knows into the calendar (idempotent):
``manage.py seedholidays``. Run it after upgrading the library to pick up a new year."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from hongfan.core.audit import AuditAction, audit_log
from hongfan.workdays.services.holidays import library_version, seed_from_library


class Command(BaseCommand):
    help = "把 chinesecalendar 库收录的节假日安排写入工作日历（可重复执行）"

    def handle(self, *args: Any, **opts: Any) -> None:
        result = seed_from_library()
        if result.changed:
            audit_log(
                action=AuditAction.DATA_CHANGED,
                username="seedholidays",
                library=library_version(),
                created=result.created,
                updated=result.updated,
                deleted=result.deleted,
            )
        span = f"{result.years[0]}–{result.years[-1]}" if result.years else "无"
        self.stdout.write(
            f"chinesecalendar {library_version()}：覆盖 {span} 年；"
            f"新增 {result.created}，修改 {result.updated}，删除 {result.deleted}"
        )
        if result.skipped_admin_years:
            years = "、".join(str(y) for y in result.skipped_admin_years)
            self.stdout.write(f"以下年份已由管理员录入，未覆盖：{years}")
