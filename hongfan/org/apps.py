from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "hongfan.org"
    label = "org"
    verbose_name = "组织与党员"

    def ready(self) -> None:
        from hongfan.core import nav
        from hongfan.org.nav import ENTRIES

        nav.register(*ENTRIES)
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
            models.DualCultivation,
            models.OrgRule,
        ):
            auditlog.register(model)
