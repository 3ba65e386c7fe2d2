from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hongfan.core"
    label = "core"
    verbose_name = "核心"
