from django.apps import AppConfig


class PointsConfig(AppConfig):
    name = "hongfan.points"
    label = "points"
    verbose_name = "积分量化"

    def ready(self) -> None:
        from hongfan.core import demo, nav
        from hongfan.points.demo import build_city_points
        from hongfan.points.nav import ENTRIES

        # What the app lends core: its menu entries and its part of the demo city.
        nav.register(*ENTRIES)
        demo.register(demo.DemoStep("points", 20, build_city_points))
