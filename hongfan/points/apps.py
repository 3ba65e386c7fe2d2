from django.apps import AppConfig


class PointsConfig(AppConfig):
    name = "hongfan.points"
    label = "points"
    verbose_name = "积分量化"

    def ready(self) -> None:
        from hongfan.core import nav
        from hongfan.points.nav import ENTRIES

        nav.register(*ENTRIES)
