"""Every URL × every role: allowed, 403, 404 or sent to the login page — and a denied write
changes nothing and leaves an audited denial (docs/decisions/0001-access-scoping.md).

The table is the access policy in one place. Each app keeps its own rows beside its targets
and payloads, in ``hongfan/<app>/tests/role_rows.py`` (a ``TABLE`` of rows, each file
standing alone); this module merges them, adds the project's own URL (the API schema, from
``hongfan/urls.py``) and holds the machinery: the roles, the shared ``Targets`` in the demo
city, the walk over every URL pattern, and what "nothing changed" means. A new URL fails
``test_every_url_is_in_the_role_table`` until its app's ``role_rows.py`` has a row for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from hongfan.accounts.models import RoleAssignment, SecurityPolicy, User
from hongfan.accounts.tests import role_rows as accounts_rows
from hongfan.core.models import AuditEvent
from hongfan.core.roles import Role
from hongfan.core.testing.role_matrix import (
    DONE,
    FORBIDDEN,
    LOGIN,
    MISSING,
    OK,
    REDIRECT,
    ROLES,
    roles,
)
from hongfan.notices.models import Notification
from hongfan.notices.tests import role_rows as notices_rows
from hongfan.org.choices import DevelopmentStatus, PersonStatus, PoliticalStatus
from hongfan.org.models import (
    Branch,
    BranchCommittee,
    CommitteeSeat,
    Department,
    Development,
    DevelopmentDocument,
    DevelopmentStep,
    DevelopmentStepRule,
    DualCultivation,
    Hospital,
    OrgRule,
    PartyGroup,
    Person,
    Transfer,
)
from hongfan.org.tests import role_rows as org_rows
from hongfan.org.tests.factories import primary, sec_branch, second
from hongfan.orglife.models import (
    Appraisal,
    AppraisalGrade,
    AppraisalVote,
    Attendance,
    LeaveRequest,
    Meeting,
    MeetingFile,
    MeetingRequirement,
    SelfAssessment,
)
from hongfan.orglife.tests import role_rows as orglife_rows
from hongfan.points.models import (
    PointAppeal,
    PointClaim,
    PointEntry,
    PointRule,
    PointRuleVersion,
    PointTotal,
)
from hongfan.points.tests import role_rows as points_rows
from hongfan.recognition.models import QuarterStar, StarSelection
from hongfan.recognition.tests import role_rows as recognition_rows
from hongfan.service.tests import role_rows as service_rows
from hongfan.study.tests import role_rows as study_rows
from hongfan.study.tests.conftest import study_state
from hongfan.workdays.models import CalendarYear, DayOverride
from hongfan.workdays.tests import role_rows as workdays_rows

DENIED = {LOGIN, FORBIDDEN, MISSING}


@dataclass
class Targets:
    """Real rows of the demo's 济宁市第三人民医院 that the URLs point at."""

    hospital: Hospital
    branch: Branch
    person: Person
    development: Development
    cultivation: DualCultivation
    department: Department
    group: PartyGroup
    assignment: RoleAssignment
    account: User
    values: dict[str, Any] = field(default_factory=dict)


def targets() -> Targets:
    branch = sec_branch()
    users = {u.username: u for u in User.objects.filter(username__in=["sec", "member"])}
    person = (
        Person.objects.filter(
            branch=branch, political_status=PoliticalStatus.MEMBER, status=PersonStatus.ACTIVE
        )
        .exclude(pk__in=[users["sec"].person_id, users["member"].person_id])
        .order_by("pk")
        .first()
    )
    group = PartyGroup.objects.filter(branch=branch).order_by("pk").first()
    if group is None:
        group = PartyGroup.objects.create(branch=branch, name="第一党小组")
    return Targets(
        hospital=primary(),
        branch=branch,
        person=person,
        development=Development.objects.filter(
            branch=branch, status=DevelopmentStatus.ACTIVE, stage__in=["activist", "candidate"]
        )
        .order_by("pk")
        .first(),
        cultivation=DualCultivation.objects.filter(hospital=primary(), outcome="in_progress")
        .order_by("pk")
        .first(),
        department=branch.departments.order_by("pk").first(),
        group=group,
        assignment=RoleAssignment.objects.get(user=users["member"], role=Role.MEMBER),
        account=users["member"],
    )


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # claim photos never land in var/media during tests


# --- the table -----------------------------------------------------------------------------------


@dataclass
class Entry:
    get: dict[str, str] | None = None  # expected outcome of a GET, per role
    post: dict[str, str] | None = None  # expected outcome of a POST with ``payload``
    payload: Callable[[Targets], dict[str, Any]] | None = None
    args: Callable[[Targets], list[Any]] = lambda t: []


# The project's own URL (hongfan/urls.py): the API schema. Every app keeps its rows beside
# its targets, in hongfan/<app>/tests/role_rows.py; they are merged in here.
TABLE: dict[str, Entry] = {
    "api-schema": Entry(get=roles(OK, anonymous=FORBIDDEN)),
    # For monitoring: the same answer for everyone, logged in or not. No worker runs in the
    # tests, so its heartbeat check fails and the answer is 503 (hongfan/core/health.py).
    "healthz": Entry(get=dict.fromkeys(ROLES, "503")),
    # An /api/ address that names no operation: the API's JSON 404, for everyone.
    "api-unknown": Entry(get=dict.fromkeys(ROLES, MISSING)),
}
for app_rows in (
    accounts_rows.TABLE,
    org_rows.TABLE,
    workdays_rows.TABLE,
    notices_rows.TABLE,
    points_rows.TABLE,
    orglife_rows.TABLE,
    study_rows.TABLE,
    service_rows.TABLE,
    recognition_rows.TABLE,
    service_rows.TABLE,
):
    assert not set(app_rows) & set(TABLE), f"two rows for {sorted(set(app_rows) & set(TABLE))}"
    TABLE.update(
        {
            name: Entry(get=row.get, post=row.post, payload=row.payload, args=row.args)
            for name, row in app_rows.items()
        }
    )

# Where a view answers differently from docs/decisions/0001 (inside one's own hospital a
# forbidden object is a 403, audited; 三员 get 403 on business pages). The views are not ours
# to change here; each entry says what to fix. strict: the test fails once it is fixed, so
# the entry is removed then.
KNOWN_DEVIATIONS: dict[tuple[str, str], str] = {}


# --- walking the URL patterns ----------------------------------------------------------------


def url_names() -> list[str]:
    def walk(patterns: list[Any], namespace: str = "") -> list[str]:
        out = []
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                out += walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern):
                out.append(namespace + (p.name or str(p.pattern)))
        return out

    return walk(get_resolver().url_patterns)


def test_every_url_is_in_the_role_table():
    names = url_names()
    assert len(names) == len(set(names)), "two URL patterns share a name"
    assert set(names) == set(TABLE), (
        f"missing from TABLE: {sorted(set(names) - set(TABLE))}; "
        f"in TABLE but gone: {sorted(set(TABLE) - set(names))}"
    )


def test_every_table_row_names_every_role():
    for name, entry in TABLE.items():
        assert entry.get or entry.post, name
        for expected in (entry.get, entry.post):
            if expected is not None:
                assert set(expected) == set(ROLES), name
        if entry.post is not None and any(v == DONE for v in entry.post.values()):
            assert entry.payload is not None or name in {"security:revoke"}, (
                f"{name}: an allowed write needs a payload"
            )


def _cases():
    for name in url_names():
        for role in ROLES:
            marks = []
            if (name, role) in KNOWN_DEVIATIONS:
                marks.append(pytest.mark.xfail(reason=KNOWN_DEVIATIONS[(name, role)], strict=True))
            yield pytest.param(name, role, id=f"{name}-{role}", marks=marks)


# --- what "nothing changed" means ------------------------------------------------------------


def snapshot(t: Targets) -> dict[str, Any]:
    counts = {
        m.__name__: m.objects.count()
        for m in (
            Person,
            Transfer,
            Development,
            DevelopmentStep,
            DevelopmentDocument,
            DevelopmentStepRule,
            DualCultivation,
            RoleAssignment,
            User,
            Department,
            Branch,
            PartyGroup,
            BranchCommittee,
            CommitteeSeat,
            OrgRule,
            AccessAttempt,
            TOTPDevice,
            Hospital,
            CalendarYear,
            DayOverride,
            PointRule,
            PointRuleVersion,
            PointEntry,
            PointTotal,
            StarSelection,
            QuarterStar,
            Meeting,
            Attendance,
            MeetingFile,
            MeetingRequirement,
            Appraisal,
            AppraisalGrade,
            LeaveRequest,
            SelfAssessment,
            AppraisalVote,
            Notification,
        )
    }
    return {
        "counts": counts,
        "policy": list(SecurityPolicy.objects.order_by("pk").values()),
        "target_person": Person.objects.filter(pk=t.person.pk).values().get(),
        "people_updated": Person.objects.order_by("-updated_at").values_list(
            "updated_at", flat=True
        )[:1][0],
        "developments": list(Development.objects.order_by("pk").values_list("pk", "updated_at")),
        "cultivations": list(DualCultivation.objects.order_by("pk").values_list("pk", "outcome")),
        "users": list(User.objects.order_by("pk").values_list("pk", "is_active", "password")),
        "branches": list(Branch.objects.order_by("pk").values()),
        "departments": list(Department.objects.order_by("pk").values()),
        "groups": list(PartyGroup.objects.order_by("pk").values()),
        "claims": list(PointClaim.objects.order_by("pk").values_list("pk", "status", "entry_id")),
        "appeals": list(
            PointAppeal.objects.order_by("pk").values_list("pk", "status", "reversal_id")
        ),
        "star_selections": list(StarSelection.objects.order_by("pk").values()),
        "meetings": list(
            Meeting.objects.order_by("pk").values_list("pk", "status", "topic", "minutes")
        ),
        "attendance": list(Attendance.objects.order_by("pk").values_list("pk", "status")),
        "leave": list(LeaveRequest.objects.order_by("pk").values_list("pk", "status", "note")),
        "appraisals": list(
            Appraisal.objects.order_by("pk").values_list(
                "pk", "status", "vote_opened_at", "vote_closed_at"
            )
        ),
        "notifications": list(Notification.objects.order_by("pk").values_list("pk", "read_at")),
        "study": study_state(),
        "service": _service_state(),
    }


def _service_state() -> Any:
    """Every service table's row count, and the columns a denied write would change."""
    from django.apps import apps as django_apps

    from hongfan.service import models as sm

    return (
        {m.__name__: m.objects.count() for m in django_apps.get_app_config("service").get_models()},
        list(sm.Activity.objects.order_by("pk").values_list("pk", "status", "title", "ends_at")),
        list(sm.Shift.objects.order_by("pk").values_list("pk", "capacity", "lead_id")),
        list(sm.Signup.objects.order_by("pk").values_list("pk", "person_id", "status")),
        list(sm.Signup.objects.order_by("pk").values_list("checked_in_at", "confirmed_hours")),
        list(sm.Loan.objects.order_by("pk").values_list("pk", "status")),
        list(sm.LendItem.objects.order_by("pk").values_list("pk", "stock", "name", "active")),
        list(sm.ServiceDesk.objects.order_by("pk").values_list("pk", "name", "active")),
        list(sm.ShiftSwap.objects.order_by("pk").values_list("pk", "status")),
        list(sm.ModelPost.objects.order_by("pk").values_list("pk", "name", "active")),
        list(sm.ModelPostMember.objects.order_by("pk").values_list("pk", "left_on")),
        list(sm.ServiceBrand.objects.values_list("pk", "name", "slogan")),
        list(sm.ServiceMeasure.objects.order_by("pk").values_list("pk", "name", "active")),
        list(sm.Place.objects.order_by("pk").values_list("pk", "name", "active")),
        list(sm.NursingService.objects.order_by("pk").values_list("pk", "name", "active")),
        list(sm.NursingBooking.objects.order_by("pk").values_list("pk", "status", "nurse_id")),
        list(sm.NurseProfile.objects.order_by("pk").values_list("pk", "title", "active")),
        list(sm.Household.objects.order_by("pk").values_list("pk", "followed_up_at")),
    )


# --- the matrix ----------------------------------------------------------------------------------


# The hospitals whose rows a business role's pages may show or offer (the city admin works
# city-wide; the 三员 administer accounts and the audit trail system-wide, not business rows).
CHOICE_SCOPE: dict[str, Callable[[], set[int] | None]] = {
    "city": lambda: None,
    "hosp": lambda: {primary().pk},
    "sec": lambda: {primary().pk},
    "member": lambda: {primary().pk},
    "hosp2": lambda: {second().pk},
    "nursing": lambda: {primary().pk},
}
# Rows above the hospitals, which any role's form may offer.
CITY_WIDE_MODELS = {"Authority"}


_NO_HOSPITAL = -1


def _row_hospital(obj: Any) -> int | None:
    """The hospital a row belongs to (``_NO_HOSPITAL`` for rows above or beside them)."""
    if isinstance(obj, Hospital):
        return obj.pk
    for path in ("hospital_id", "branch.hospital_id", "person.hospital_id", "meeting.hospital_id"):
        value: Any = obj
        for part in path.split("."):
            value = getattr(value, part, None)
        if value is not None:
            return value
    return _NO_HOSPITAL


def _context_rows(response) -> list[tuple[str, Any]]:
    """Every model row a page's templates were given: single rows, querysets, lists of rows
    and paginated pages (one level deep)."""
    from django.core.paginator import Page
    from django.db.models import Model, QuerySet

    rows: list[tuple[str, Any]] = []
    seen: set[int] = set()
    for ctx in response.context or []:
        items = ctx.flatten().items() if hasattr(ctx, "flatten") else ctx.items()
        for key, value in items:
            if id(value) in seen:
                continue
            seen.add(id(value))
            if isinstance(value, Model):
                rows.append((key, value))
            elif isinstance(value, QuerySet | Page | list | tuple):
                if isinstance(value, QuerySet) and value.query.is_sliced is False:
                    value = value[:500]
                rows += [(key, v) for v in list(value) if isinstance(v, Model)]
    return rows


def _forms(response) -> list[Any]:
    from django.forms import BaseForm, BaseFormSet

    found: dict[int, Any] = {}
    for ctx in response.context or []:
        for value in ctx.flatten().values() if hasattr(ctx, "flatten") else ctx.values():
            if isinstance(value, BaseFormSet):
                for form in value.forms:
                    found[id(form)] = form
            elif isinstance(value, BaseForm):
                found[id(value)] = value
    return list(found.values())


def check_form_choices_in_scope(response, role: str, label: str) -> None:
    """No form on a page offers a row of a hospital outside the role's scope: every
    model choice (select lists, search-as-you-type fields) is checked row by row."""
    from django.forms import ModelChoiceField

    scope = CHOICE_SCOPE.get(role, lambda: None)()
    if scope is None:
        return
    for form in _forms(response):
        for name, field_ in form.fields.items():
            if not isinstance(field_, ModelChoiceField):
                continue
            qs = field_.queryset
            if qs.model.__name__ in CITY_WIDE_MODELS:
                continue
            where = [_row_hospital(o) for o in qs]
            assert _NO_HOSPITAL not in where, f"{qs.model.__name__} has no hospital to check"
            outside = [str(o) for o, h in zip(qs, where, strict=True) if h not in scope]
            assert not outside, (
                f"{label}: {type(form).__name__}.{name} offers {len(outside)} rows of another "
                f"hospital, e.g. {outside[:3]}"
            )
    # The same for every row handed to the templates (hand-written select lists, tables).
    leaked = [
        f"{key}: {type(o).__name__} {o}"
        for key, o in _context_rows(response)
        if _row_hospital(o) not in (*scope, _NO_HOSPITAL)
    ]
    assert not leaked, f"{label}: the page was given rows of another hospital: {leaked[:5]}"


def check(response, expected: str, label: str) -> None:
    status = response.status_code
    location = response.get("Location", "")
    login = reverse("accounts:login")
    got = {
        200: OK,
        403: FORBIDDEN,
        404: MISSING,
    }.get(status, str(status))
    if status == 302:
        got = LOGIN if location.startswith(login) and "next=" in location else REDIRECT
        if expected == DONE and got == REDIRECT:
            got = DONE
    assert got == expected, f"{label}: expected {expected}, got {status} {location}"


@pytest.mark.parametrize("name,role", list(_cases()))
def test_role_matrix(name, role, client_for):
    entry = TABLE.get(name)
    assert entry is not None, f"{name} is not in the role table"
    t = targets()
    url = reverse(name, args=entry.args(t))
    client = client_for(role)

    if entry.get is not None:
        before = AuditEvent.objects.count()
        response = client.get(url)
        expected = entry.get[role]
        check(response, expected, f"GET {url} as {role}")
        if expected == OK:
            check_form_choices_in_scope(response, role, f"GET {url} as {role}")
        if expected == FORBIDDEN and role != "anonymous":
            assert (
                AuditEvent.objects.filter(action="denied", username=role, success=False).count() > 0
                and AuditEvent.objects.count() > before
            ), "403 was not audited"

    if entry.post is not None:
        expected = entry.post[role]
        data = entry.payload(t) if entry.payload else {}
        denied = expected in DENIED
        before = snapshot(t) if denied else None
        events = AuditEvent.objects.count()
        response = client.post(url, data)
        check(response, expected, f"POST {url} as {role}")
        if denied:
            assert snapshot(t) == before, f"denied POST {url} as {role} changed data"
        if expected == FORBIDDEN and role != "anonymous":
            denial = AuditEvent.objects.order_by("-pk").filter(action="denied").first()
            assert AuditEvent.objects.count() > events and denial is not None
            assert (denial.username, denial.success) == (role, False)
            assert denial.detail.get("path") == url


def test_a_denied_write_is_audited_with_who_what_and_where(client_for, users):
    t = targets()
    url = reverse("org:person_edit", args=[t.person.pk])
    client = client_for("security")
    client.post(url, org_rows.person_payload(t), REMOTE_ADDR="10.20.30.40")
    event = AuditEvent.objects.filter(action="denied").order_by("-pk").first()
    assert event.user_id == users["security"].pk
    assert event.ip == "10.20.30.40"
    assert event.detail == {"path": url, "method": "POST"}
    assert event.at <= timezone.now()
