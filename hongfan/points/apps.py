from django.apps import AppConfig


class PointsConfig(AppConfig):
    name = "hongfan.points"
    label = "points"
    verbose_name = "积分量化"
