"""Build the demo city (idempotent): ``manage.py builddemo [--small] [--fresh]``."""

from __future__ import annotations

import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from hongfan.accounts.models import RoleAssignment, User
from hongfan.core import demo
from hongfan.core.dates import today
from hongfan.core.roles import Role
from hongfan.org.choices import PoliticalStatus
from hongfan.org.demo.build import build_hospital, ensure_authority
from hongfan.org.demo.city import DEMO_PASSWORD, JINING, PRIMARY, SECOND, small_city
from hongfan.org.models import Authority, Branch, Development, Hospital, Person


class Command(BaseCommand):
    help = "Build the demo city of 济宁 with its hospitals, branches and people (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--small", action="store_true", help="a tiny city for tests")
        parser.add_argument(
            "--fresh", action="store_true", help="delete the demo city first and build it again"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        started = time.monotonic()
        if opts["fresh"]:
            self._wipe()
        specs = small_city() if opts["small"] else JINING
        with transaction.atomic():
            authority = ensure_authority()
            built = 0
            for i, spec in enumerate(specs):
                if Hospital.objects.filter(name=spec.name).exists():
                    # A city built before the hospital's other name was known gets it now.
                    Hospital.objects.filter(name=spec.name, alias="").update(alias=spec.alias)
                    continue
                build_hospital(authority, spec, seed=2026 + i, day=today())
                built += 1
            self._accounts(authority)
            # Each app's part of the demo (points, meetings, study…), as registered.
            for step in demo.steps():
                step.build(authority)
            call_command("seedholidays", verbosity=0)
        people = Person.objects.count()
        members = Person.objects.filter(
            political_status__in=[PoliticalStatus.MEMBER, PoliticalStatus.PROBATIONARY]
        ).count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo city ready: {Hospital.objects.count()} hospitals ({built} built now), "
                f"{Branch.objects.count()} branches, {people} staff, {members} members "
                f"in {time.monotonic() - started:.1f}s"
            )
        )

    def _wipe(self) -> None:
        with transaction.atomic():
            RoleAssignment.objects.all().delete()
            User.objects.filter(username__in=DEMO_USERS).delete()
            Development.objects.all().delete()
            for h in Hospital.objects.all():
                Branch.objects.filter(hospital=h).update(secretary=None, parent=None)
                Person.objects.filter(hospital=h).delete()
                h.delete()
            Authority.objects.all().delete()

    def _accounts(self, authority: Authority) -> None:
        primary = Hospital.objects.get(name=PRIMARY)
        second = Hospital.objects.get(name=SECOND)
        # The secretary's branch: the primary hospital's largest clinical branch with a committee.
        branch = (
            Branch.objects.filter(
                hospital=primary, kind="branch", secretary__isnull=False, committees__isnull=False
            )
            .order_by("pk")
            .first()
            or Branch.objects.filter(hospital=primary, secretary__isnull=False)
            .order_by("pk")
            .first()
        )
        assert branch is not None and branch.secretary is not None
        member = (
            Person.objects.filter(
                branch=branch, political_status=PoliticalStatus.MEMBER, status="active"
            )
            .exclude(pk=branch.secretary.pk)
            .order_by("pk")
            .first()
        )
        office = (
            Person.objects.filter(hospital=primary, department__name="党群工作部")
            .order_by("pk")
            .first()
        )
        office2 = (
            Person.objects.filter(hospital=second, department__name="党群工作部")
            .order_by("pk")
            .first()
        )
        nursing = (
            Person.objects.filter(hospital=primary, department__name="护理部")
            .order_by("pk")
            .first()
        )
        spec: list[
            tuple[str, str, Person | None, list[tuple[str, Hospital | None, Branch | None]]]
        ] = [
            ("city", "市卫健委组织科", None, [(Role.CITY_ADMIN, None, None)]),
            ("hosp", "市三院党群工作部", office, [(Role.HOSPITAL_ADMIN, primary, None)]),
            (
                "sec",
                branch.secretary.name,
                branch.secretary,
                [(Role.BRANCH_SECRETARY, None, branch), (Role.MEMBER, None, None)],
            ),
            ("member", member.name if member else "党员", member, [(Role.MEMBER, None, None)]),
            ("hosp2", "市二院党委办公室", office2, [(Role.HOSPITAL_ADMIN, second, None)]),
            ("nurse", "市三院护理部", nursing, [(Role.NURSING_OFFICE, primary, None)]),
            ("audit", "审计管理员", None, [(Role.AUDITOR, None, None)]),
            ("security", "安全管理员", None, [(Role.SECURITY_ADMIN, None, None)]),
            ("sysadmin", "系统管理员", None, [(Role.SYSTEM_ADMIN, None, None)]),
        ]
        for username, display, person, roles in spec:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username)
                user.set_password(DEMO_PASSWORD)
            user.first_name = display
            user.person = person
            user.is_active = True
            user.password_changed_at = timezone.now()
            user.save()
            for role, hospital, br in roles:
                RoleAssignment.objects.get_or_create(
                    user=user, role=role, hospital=hospital, branch=br
                )


DEMO_USERS = [
    "city",
    "hosp",
    "sec",
    "member",
    "hosp2",
    "nurse",
    "audit",
    "security",
    "sysadmin",
]
