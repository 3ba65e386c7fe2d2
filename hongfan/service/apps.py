from django.apps import AppConfig


class ServiceConfig(AppConfig):
    name = "hongfan.service"
    label = "service"
    verbose_name = "为民服务"

    def ready(self) -> None:
        from hongfan.core import demo, nav, todos
        from hongfan.service import demo as service_demo
        from hongfan.service.nav import ENTRIES, TABS, TASK_SOURCES

        # What the app lends core: its menu entries, phone tab and today's tasks, and its
        # part of the demo city. Each part of the app (activities, hours, desks and posts,
        # nursing, dashboards) adds its own to the lists in nav.py and a step here.
        nav.register(*ENTRIES)
        nav.register_tabs(*TABS)
        todos.register(*TASK_SOURCES)
        demo.register(demo.DemoStep("service.activities", 50, service_demo.build_city_activities))
        demo.register(demo.DemoStep("service.hours", 51, service_demo.build_city_hours))
        demo.register(demo.DemoStep("service.desks", 52, service_demo.build_city_desks))
        demo.register(demo.DemoStep("service.nursing", 53, service_demo.build_city_nursing))
        # hours: the 志愿服务 tab of org's 党员档案.
        from hongfan.core import panels
        from hongfan.service.selectors.hours import person_panel

        panels.register(
            panels.Panel(
                panels.PERSON,
                "service/partials/_hours_person.html",
                person_panel,
                55,
                tab="volunteer",
                tab_label="志愿服务",
            )
        )
