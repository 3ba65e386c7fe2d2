from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "hongfan.org"
    label = "org"
    verbose_name = "组织与党员"

    def ready(self) -> None:
        from hongfan.core import nav, panels, todos
        from hongfan.org.nav import ENTRIES, TABS, TASK_SOURCES
        from hongfan.org.selectors.hospitals import scope_counts

        # What the app lends core: its menu entries, the phone tabs 首页 and 我的, and the
        # size of a manager's hospital (or the city) on their home page.
        nav.register(*ENTRIES)
        todos.register(*TASK_SOURCES)
        nav.register_tabs(*TABS)
        panels.register(
            panels.Panel(
                panels.HOME,
                "org/partials/_home_scope.html",
                lambda access, _: {"scope": scope_counts(access=access)},
                5,
                when=lambda access, _: access.is_city or bool(access.hospital_ids),
            )
        )
        from hongfan.core import demo
        from hongfan.org.demo.development import build_development_steps

        # Last: after the people and accounts, and after the other apps drew their demo data
        # from the same people (a new applicant must not change what they drew).
        demo.register(demo.DemoStep("org.development", 90, build_development_steps))
        from auditlog.registry import auditlog

        from hongfan.org import models

        # Data changes go to django-auditlog; personal data columns are never copied there.
        pii = ["id_number_enc", "id_number_hash", "mobile_enc", "mobile_hash", "name_key"]
        auditlog.register(models.Person, exclude_fields=pii)
        for model in (
            models.Hospital,
            models.Department,
            models.Branch,
            models.PartyGroup,
            models.BranchCommittee,
            models.CommitteeSeat,
            models.Development,
            models.DevelopmentStep,
            models.DevelopmentDocument,
            models.DevelopmentStepRule,
            models.DualCultivation,
            models.OrgRule,
        ):
            auditlog.register(model)
