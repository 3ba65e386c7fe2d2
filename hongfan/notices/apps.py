from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "hongfan.notices"
    label = "notices"
    verbose_name = "消息通知"

    def ready(self) -> None:
        from hongfan.core.notify import register_outbox
        from hongfan.notices import checks  # noqa: F401  (registers the system check)
        from hongfan.notices.selectors import sent_pairs
        from hongfan.notices.tasks import deliver_in_background

        register_outbox(sent_pairs=sent_pairs, enqueue=deliver_in_background)
