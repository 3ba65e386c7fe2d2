from django.apps import AppConfig


class OrglifeConfig(AppConfig):
    name = "hongfan.orglife"
    label = "orglife"
    verbose_name = "组织生活"

    def ready(self) -> None:
        from hongfan.core import nav
        from hongfan.orglife.nav import ENTRIES

        nav.register(*ENTRIES)
