from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "hongfan.accounts"
    label = "accounts"
    verbose_name = "账号与权限"

    def ready(self) -> None:
        from hongfan.accounts.nav import ENTRIES
        from hongfan.core import nav

        nav.register(*ENTRIES)
        from hongfan.accounts import signals  # noqa: F401
