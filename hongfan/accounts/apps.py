from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "hongfan.accounts"
    label = "accounts"
    verbose_name = "账号与权限"

    def ready(self) -> None:
        from hongfan.accounts.nav import ENTRIES
        from hongfan.core import nav

        nav.register(*ENTRIES)
        from hongfan.accounts.selectors import wechat_ids
        from hongfan.core import notify

        # The WeChat message backends read bound openids through core.notify's registry.
        notify.register_wechat_ids(wechat_ids)
        from hongfan.accounts import signals  # noqa: F401
        from hongfan.accounts.demo import build_city_accounts
        from hongfan.core import demo

        demo.register(demo.DemoStep("accounts", 10, build_city_accounts))
