from django.apps import AppConfig


class PointsConfig(AppConfig):
    name = "hongfan.points"
    label = "points"
    verbose_name = "积分量化"

    def ready(self) -> None:
        from hongfan.core import demo, nav, panels, todos
        from hongfan.points.demo import build_city_points
        from hongfan.points.nav import ENTRIES, TABS, TASK_SOURCES
        from hongfan.points.selectors.standings import home_points, person_points

        # What the app lends core: its menu entries, phone tab and today's tasks, its part of
        # the demo city, the 积分 tab of org's 党员档案 and the member's points on the home page.
        nav.register(*ENTRIES)
        nav.register_tabs(*TABS)
        todos.register(*TASK_SOURCES)
        panels.register(
            panels.Panel(
                panels.PERSON,
                "points/partials/_person_points.html",
                lambda access, p: {"pts": person_points(access=access, person=p)},
                30,
                tab="points",
                tab_label="积分",
            ),
            panels.Panel(
                panels.HOME,
                "points/partials/_home_points.html",
                lambda access, _: {"pts": home_points(access=access)},
                10,
                when=lambda access, _: nav.AUDIENCES["member"](access),
            ),
        )
        demo.register(demo.DemoStep("points", 20, build_city_points))
