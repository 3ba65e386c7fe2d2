from django.apps import AppConfig


class StudyConfig(AppConfig):
    name = "hongfan.study"
    label = "study"
    verbose_name = "学习教育"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from hongfan.core import demo, nav
        from hongfan.study import models
        from hongfan.study.demo import build_city_study
        from hongfan.study.nav import ENTRIES

        # What the app lends core: its menu entries and its part of the demo city.
        nav.register(*ENTRIES)
        demo.register(demo.DemoStep("study", 40, build_city_study))
        # Data changes of what admins publish go to django-auditlog; members' logs and
        # attempts are records of their own, audited by the services.
        for model in (models.StudyTopic, models.StudyItem, models.StudyRule, models.Exam):
            auditlog.register(model)
