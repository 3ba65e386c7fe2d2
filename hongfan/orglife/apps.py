from django.apps import AppConfig


class OrglifeConfig(AppConfig):
    name = "hongfan.orglife"
    label = "orglife"
    verbose_name = "组织生活"

    def ready(self) -> None:
        from hongfan.core import demo, nav, panels, todos
        from hongfan.core.dates import today
        from hongfan.orglife.demo import build_city_orglife
        from hongfan.orglife.nav import (
            APPRAISAL_TASKS,
            ENTRIES,
            LEAVE_ENTRIES,
            LEAVE_TASKS,
            TASK_SOURCES,
        )
        from hongfan.orglife.selectors.appraisal import appraisal_grade_list
        from hongfan.orglife.selectors.attendance import attendance_recent, person_attendance

        # What the app lends core: its menu entries and today's tasks, its part of the demo
        # city, the 组织生活 and 民主评议 tabs of org's 党员档案, and the member's latest
        # meetings on the home page.
        nav.register(*ENTRIES, *LEAVE_ENTRIES)
        todos.register(*TASK_SOURCES, *LEAVE_TASKS, *APPRAISAL_TASKS)
        demo.register(demo.DemoStep("orglife", 30, build_city_orglife))
        panels.register(
            panels.Panel(
                panels.PERSON,
                "orglife/partials/_person_attendance.html",
                lambda access, p: {
                    "att": person_attendance(access=access, person=p, year=today().year)
                },
                40,
                tab="orglife",
                tab_label="组织生活",
            ),
            panels.Panel(
                panels.PERSON,
                "orglife/partials/_person_appraisal.html",
                lambda access, p: {"appraisals": appraisal_grade_list(access=access, person=p)},
                60,
                tab="appraisal",
                tab_label="民主评议",
            ),
            panels.Panel(
                panels.HOME,
                "orglife/partials/_home_meetings.html",
                lambda access, _: {"rows": attendance_recent(access=access)},
                20,
                when=lambda access, _: nav.AUDIENCES["member"](access),
            ),
        )
