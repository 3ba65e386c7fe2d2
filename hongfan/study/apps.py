from django.apps import AppConfig


class StudyConfig(AppConfig):
    name = "hongfan.study"
    label = "study"
    verbose_name = "学习教育"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from hongfan.core import demo, nav, panels, todos
        from hongfan.core.dates import today
        from hongfan.study import models
        from hongfan.study.demo import build_city_study
        from hongfan.study.nav import ENTRIES, TABS, TASK_SOURCES
        from hongfan.study.selectors.exams import exam_results
        from hongfan.study.selectors.hours import person_hours
        from hongfan.study.selectors.items import items_latest

        # What the app lends core: its menu entries, phone tab and today's tasks, its part of
        # the demo city, the 学习 tab of org's 党员档案 and the newest items on the home page.
        nav.register(*ENTRIES)
        nav.register_tabs(*TABS)
        todos.register(*TASK_SOURCES)

        def person_study(access, p):  # type: ignore[no-untyped-def]
            hours = person_hours(access=access, person=p, year=today().year)
            return {"hours": hours, "exams": exam_results(p) if hours is not None else []}

        panels.register(
            panels.Panel(
                panels.PERSON,
                "study/partials/_person_study.html",
                person_study,
                50,
                tab="study",
                tab_label="学习",
            ),
            panels.Panel(
                panels.HOME,
                "study/partials/_home_items.html",
                lambda access, _: {"progress": items_latest(access=access)},
                30,
                when=lambda access, _: nav.AUDIENCES["member"](access),
            ),
        )
        demo.register(demo.DemoStep("study", 40, build_city_study))
        # Data changes of what admins publish go to django-auditlog; members' logs and
        # attempts are records of their own, audited by the services.
        for model in (models.StudyTopic, models.StudyItem, models.StudyRule, models.Exam):
            auditlog.register(model)
