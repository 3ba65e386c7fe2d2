from django.apps import AppConfig


class StudyConfig(AppConfig):
    name = "hongfan.study"
    label = "study"
    verbose_name = "学习教育"

    def ready(self) -> None:
        from hongfan.core import nav
        from hongfan.study.nav import ENTRIES

        nav.register(*ENTRIES)
        from auditlog.registry import auditlog

        from hongfan.study import models

        # Data changes of what admins publish go to django-auditlog; members' logs and
        # attempts are records of their own, audited by the services.
        for model in (models.StudyTopic, models.StudyItem, models.StudyRule, models.Exam):
            auditlog.register(model)
