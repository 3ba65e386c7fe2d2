from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "hongfan.notices"
    label = "notices"
    verbose_name = "消息通知"

    def ready(self) -> None:
        from hongfan.core import nav, panels
        from hongfan.core.notify import register_outbox, register_preferences
        from hongfan.notices import checks  # noqa: F401  (registers the system check)
        from hongfan.notices.nav import ENTRIES, INBOX
        from hongfan.notices.selectors import (
            notifications_latest,
            preference_levels,
            sent_pairs,
            unread_count,
        )
        from hongfan.notices.tasks import deliver_in_background

        # What the inbox lends core: the menu entry and its badge, the record of sent keys,
        # the worker's queue and the recipients' channel choices (core imports no app).
        nav.register(*ENTRIES)
        nav.register_inbox(url_name=INBOX, unread=lambda user_id: unread_count(user_id=user_id))
        register_outbox(sent_pairs=sent_pairs, enqueue=deliver_in_background)
        register_preferences(preference_levels)
        # The newest messages on the home page.
        panels.register(
            panels.Panel(
                panels.HOME,
                "notices/partials/_home_messages.html",
                lambda access, _: {"latest": notifications_latest(access=access)},
                40,
            )
        )
