from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "hongfan.workdays"
    label = "workdays"
    verbose_name = "工作日历"

    def ready(self) -> None:
        from hongfan.core import nav
        from hongfan.workdays.nav import ENTRIES

        nav.register(*ENTRIES)
        from auditlog.registry import auditlog

        from hongfan.workdays import models

        # A year's arrangement is saved through the model (auditlog sees it); its days are
        # replaced in bulk, which calendar_year_save records in the audit trail itself.
        auditlog.register(models.CalendarYear)
