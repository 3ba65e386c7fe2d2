from django.apps import AppConfig


class OrglifeConfig(AppConfig):
    name = "hongfan.orglife"
    label = "orglife"
    verbose_name = "组织生活"

    def ready(self) -> None:
        from hongfan.core import demo, nav
        from hongfan.orglife.demo import build_city_orglife
        from hongfan.orglife.nav import ENTRIES

        # What the app lends core: its menu entries and its part of the demo city.
        nav.register(*ENTRIES)
        demo.register(demo.DemoStep("orglife", 30, build_city_orglife))
