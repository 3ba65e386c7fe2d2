from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hongfan.core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        # Issue 11 (keys): seal every audit row into the chain; keep audit rows 180+ days.
        from hongfan.core import audit

        audit.connect_signals()
