from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "hongfan.notices"
    label = "notices"
    verbose_name = "消息通知"

    def ready(self) -> None:
        from hongfan.notices import checks  # noqa: F401  (registers the system check)
