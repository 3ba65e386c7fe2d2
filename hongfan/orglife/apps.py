from django.apps import AppConfig


class OrglifeConfig(AppConfig):
    name = "hongfan.orglife"
    label = "orglife"
    verbose_name = "组织生活"

    def ready(self) -> None:
        from hongfan.core import demo, nav, panels
        from hongfan.orglife.demo import build_city_orglife
        from hongfan.orglife.nav import ENTRIES
        from hongfan.orglife.selectors.appraisal import appraisal_grade_list

        # What the app lends core: its menu entries, its part of the demo city, and the
        # 民主评议等次 section of org's person page (below recognition's 季度之星, order 10).
        nav.register(*ENTRIES)
        # 请假 and 民主评议 online (issue 10): their menu entries and to-do sources.
        from hongfan.core import todos
        from hongfan.orglife.nav import APPRAISAL_TODOS, LEAVE_ENTRIES, LEAVE_TODOS

        nav.register(*LEAVE_ENTRIES)
        todos.register(*LEAVE_TODOS, *APPRAISAL_TODOS)
        demo.register(demo.DemoStep("orglife", 30, build_city_orglife))
        panels.register(
            panels.Panel(
                panels.PERSON,
                "orglife/partials/_appraisal_grades.html",
                lambda access, p: {"appraisals": appraisal_grade_list(access=access, person=p)},
                20,
            )
        )
