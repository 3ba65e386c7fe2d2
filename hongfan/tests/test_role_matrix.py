"""Every URL × every role: allowed, 403, 404 or sent to the login page — and a denied write
changes nothing and leaves an audited denial (docs/decisions/0001-access-scoping.md).

The table below is the access policy in one place. A new URL fails
``test_every_url_is_in_the_role_table`` until a row is added for it here.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from hongfan.accounts.models import RoleAssignment, SecurityPolicy, User
from hongfan.core.dates import add_months, today
from hongfan.core.models import AuditEvent
from hongfan.core.roles import Role
from hongfan.notices.models import Notification
from hongfan.org.choices import DevelopmentStatus, PersonStatus, PoliticalStatus
from hongfan.org.models import (
    Branch,
    BranchCommittee,
    CommitteeSeat,
    Department,
    Development,
    DualCultivation,
    Hospital,
    OrgRule,
    PartyGroup,
    Person,
    Transfer,
)
from hongfan.org.tests.factories import (
    other_branch,
    primary,
    sec_branch,
    second,
    unused_id_number,
)
from hongfan.orglife.models import (
    Appraisal,
    AppraisalGrade,
    Attendance,
    Meeting,
    MeetingFile,
    MeetingRequirement,
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
from hongfan.recognition.models import QuarterStar, StarSelection
from hongfan.recognition.tests import role_rows as recognition_rows
from hongfan.study.tests import role_rows as study_rows
from hongfan.study.tests.conftest import study_state
from hongfan.workdays.models import CalendarYear, DayOverride

ROLES = ["anonymous", "city", "hosp", "sec", "member", "hosp2", "audit", "security", "sysadmin"]
SEPARATED = ("audit", "security", "sysadmin")  # 三员

OK = "200"  # the page or result
DONE = "done"  # a write that succeeded and redirected
REDIRECT = "302"  # sent somewhere else (home page, login after logout…)
LOGIN = "login"  # sent to the login page with ?next=
FORBIDDEN = "403"
MISSING = "404"
DENIED = {LOGIN, FORBIDDEN, MISSING}


def roles(default: str, **over: str) -> dict[str, str]:
    """Expected outcome per role; anonymous users are sent to log in unless said otherwise."""
    unknown = set(over) - set(ROLES)
    assert not unknown, unknown
    table = {r: default for r in ROLES}
    table["anonymous"] = LOGIN
    table.update(over)
    return table


def only(allowed: str = OK, **over: str) -> dict[str, str]:
    """Everyone logged in is refused (403) except the roles named."""
    return roles(FORBIDDEN, **{r: allowed if v is True else v for r, v in over.items()})


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


# --- payloads: each would succeed for an allowed role ---------------------------------------


def _d(day: date | None) -> str:
    return day.isoformat() if day else ""


def person_payload(t: Targets) -> dict[str, Any]:
    p = t.person
    data = {
        "name": p.name,
        "gender": p.gender,
        "ethnicity": p.ethnicity,
        "birth_date": _d(p.birth_date),
        "education": p.education,
        "department": p.department_id or "",
        "post": "岗位已改",
        "title": p.title,
        "political_status": p.political_status,
        "joined_on": _d(p.joined_on),
        "full_member_on": _d(p.full_member_on),
        "branch": p.branch_id,
        "party_group": p.party_group_id or "",
        "id_number": "",
        "mobile": "",
    }
    for flag in ("is_middle_cadre", "is_department_head", "is_senior_expert"):
        if getattr(p, flag):
            data[flag] = "on"
    return data


def new_person_payload(t: Targets) -> dict[str, Any]:
    birth = date(1993, 6, 8)
    return {
        "name": "新来的职工",
        "gender": "F",
        "ethnicity": "汉族",
        "birth_date": birth.isoformat(),
        "education": "bachelor",
        "department": t.department.pk,
        "post": "护士",
        "title": "护师",
        "political_status": PoliticalStatus.MASSES,
        "branch": t.branch.pk,
        "id_number": unused_id_number(birth, "F"),
        "mobile": "13900001111",
    }


def development_payload(t: Targets) -> dict[str, Any]:
    d = t.development
    return {
        "applied_on": _d(d.applied_on),
        "talked_on": _d(d.talked_on),
        "activist_on": _d(d.activist_on),
        "candidate_on": _d(d.candidate_on),
        "reviewed_on": _d(d.reviewed_on),
        "training_hours": d.training_hours,
        "probation_on": _d(d.probation_on),
        "extension_months": d.extension_months,
        "full_on": _d(d.full_on),
        "introducers": "张三、李四",
    }


def development_new_payload(t: Targets) -> dict[str, Any]:
    applicant = (
        Person.objects.filter(
            hospital=t.hospital,
            department__branches=t.branch,
            political_status=PoliticalStatus.MASSES,
            status=PersonStatus.ACTIVE,
            development__isnull=True,
            birth_date__lte=add_months(today(), -12 * 20),
        )
        .order_by("pk")
        .first()
    )
    return {
        "person": applicant.pk,
        "branch": t.branch.pk,
        "applied_on": (today() - timedelta(days=5)).isoformat(),
        "introducers": "",
    }


def cultivation_payload(t: Targets) -> dict[str, Any]:
    busy = DualCultivation.objects.filter(outcome="in_progress").values("person_id")
    person = (
        Person.objects.filter(
            hospital=t.hospital,
            political_status=PoliticalStatus.MEMBER,
            status=PersonStatus.ACTIVE,
            is_middle_cadre=False,
        )
        .exclude(pk__in=busy)
        .order_by("pk")
        .first()
    )
    return {
        "person": person.pk,
        "direction": "member_to_cadre",
        "started_on": today().isoformat(),
        "goal": "培养为护士长",
    }


def branch_payload(t: Targets) -> dict[str, Any]:
    b = t.branch
    return {
        "name": b.name,
        "kind": b.kind,
        "parent": b.parent_id or "",
        "departments": list(b.departments.values_list("pk", flat=True)),
        "secretary": b.secretary_id or "",
        "brand_name": "支部品牌已改",
        "founded_on": _d(b.founded_on),
    }


def committee_payload(t: Targets) -> dict[str, Any]:
    full = list(
        Person.objects.filter(
            branch=t.branch, political_status=PoliticalStatus.MEMBER, status=PersonStatus.ACTIVE
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:4]
    )
    start = today()
    data: dict[str, Any] = {
        "elected_on": start.isoformat(),
        "term_start": start.isoformat(),
        "term_end": (add_months(start, 36) - timedelta(days=1)).isoformat(),
        "seat_0": full[0],
    }
    for i, pk in enumerate(full[1:], start=2):  # seat 1 (deputy) left empty
        data[f"seat_{i}"] = pk
    return data


def rules_payload(t: Targets) -> dict[str, Any]:
    from hongfan.org.selectors.structure import org_rule_for

    current = org_rule_for(t.hospital.authority_id)
    data: dict[str, Any] = {
        f.name: getattr(current, f.name)
        for f in OrgRule._meta.concrete_fields
        if f.name not in {"id", "authority", "effective_from"}
    }
    data["effective_from"] = today().isoformat()
    data["min_full_members"] = 4
    return data


def roster_payload(t: Targets) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    birth = date(1991, 3, 3)
    text = (
        "姓名,性别,出生日期,科室,政治面貌,身份证号\n"
        f"导入的职工,男,{birth.isoformat()},{t.department.name},群众,"
        f"{unused_id_number(birth, 'M')}\n"
    )
    return {"file": SimpleUploadedFile("roster.csv", text.encode("utf-8"), "text/csv")}


def policy_payload(t: Targets) -> dict[str, Any]:
    return {
        "lockout_failures": 3,
        "lockout_minutes": 30,
        "ip_throttle_failures": 30,
        "ip_throttle_window_minutes": 15,
        "password_min_length": 8,
        "password_min_classes": 3,
        "password_max_age_days": 90,
        "session_idle_minutes": 30,
    }


def grant_payload(t: Targets) -> dict[str, Any]:
    branch = Branch.objects.filter(hospital=second(), kind="branch").order_by("pk").first()
    return {"username": "hosp2", "role": Role.BRANCH_SECRETARY, "branch": branch.pk}


TINY_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGPYLiMDRAwQCgAcngO9jmnoLQAAAABJRU5ErkJggg=="
)


def demo_member(t: Targets) -> Person:
    return User.objects.get(username="member").person


def points_claim(t: Targets) -> PointClaim:
    """A pending claim (with a photo) of the demo member, in sec's branch."""
    member = demo_member(t)
    claim = PointClaim.objects.filter(person=member, status="pending").order_by("pk").first()
    if claim is None:
        claim = PointClaim(
            hospital=t.hospital,
            person=member,
            rule=PointRule.objects.get(hospital=t.hospital, code="ORG-LECTURE"),
            occurred_on=today(),
            description="矩阵测试申报",
        )
        claim.photo.save("matrix.png", ContentFile(TINY_PNG), save=False)
        claim.save()
    return claim


def member_entry(t: Targets) -> PointEntry:
    """An award of the demo member's own, not reversed and not under appeal."""
    entry = (
        PointEntry.objects.filter(person=demo_member(t), kind="award", reversed_by__isnull=True)
        .exclude(appeals__status="pending")
        .order_by("pk")
        .first()
    )
    assert entry is not None, "the demo city gives every member some points"
    return entry


def points_appeal(t: Targets) -> PointAppeal:
    member = demo_member(t)
    appeal = PointAppeal.objects.filter(person=member, status="pending").order_by("pk").first()
    if appeal is None:
        appeal = PointAppeal.objects.create(
            entry=member_entry(t), person=member, reason="矩阵测试申诉"
        )
    return appeal


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # claim photos never land in var/media during tests


def points_rule(t: Targets) -> PointRule:
    return PointRule.objects.get(hospital=t.hospital, code="ORG-MEETING")


def points_entry(t: Targets) -> PointEntry:
    entry = PointEntry.objects.filter(person=t.person, kind="award").order_by("pk").first()
    assert entry is not None, "the demo city gives every member some points"
    return entry


def member_notification(t: Targets) -> Notification:
    if "notification" not in t.values:
        t.values["notification"] = Notification.objects.create(
            recipient=User.objects.get(username="member"), title="提醒", link="/points/me/"
        )
    return t.values["notification"]


# --- the table -----------------------------------------------------------------------------------


@dataclass
class Entry:
    get: dict[str, str] | None = None  # expected outcome of a GET, per role
    post: dict[str, str] | None = None  # expected outcome of a POST with ``payload``
    payload: Callable[[Targets], dict[str, Any]] | None = None
    args: Callable[[Targets], list[Any]] = lambda t: []


HOSPITAL = lambda t: [t.hospital.pk]  # noqa: E731
BRANCH = lambda t: [t.branch.pk]  # noqa: E731
PERSON = lambda t: [t.person.pk]  # noqa: E731
DEV = lambda t: [t.development.pk]  # noqa: E731
SEP_403 = {r: FORBIDDEN for r in SEPARATED}

# A hospital page: the city and the hospital's admin read it; another hospital's admin gets
# a 404; people of the hospital without the right get a 403.
HOSPITAL_READ = roles(FORBIDDEN, city=OK, hosp=OK, hosp2=MISSING)
HOSPITAL_WRITE = {**HOSPITAL_READ, "hosp": DONE, "city": FORBIDDEN}
# A branch-level record in 济宁市第三人民医院 that only its hospital admin may change.
ADMIN_ONLY = roles(FORBIDDEN, hosp=OK, hosp2=MISSING)
ADMIN_ONLY_WRITE = {**ADMIN_ONLY, "hosp": DONE}
# A record of sec's branch: its secretary and the hospital admin manage it.
MANAGED = roles(FORBIDDEN, hosp=OK, sec=OK, hosp2=MISSING)
MANAGED_WRITE = {**MANAGED, "hosp": DONE, "sec": DONE}
# A hospital-wide list for managers: each admin sees their own hospital.
MANAGER_LIST = roles(FORBIDDEN, city=OK, hosp=OK, sec=OK, hosp2=OK)
API_LIST = {**MANAGER_LIST, "anonymous": FORBIDDEN}
LOGGED_IN = roles(OK)

TABLE: dict[str, Entry] = {
    "home": Entry(get=roles(REDIRECT)),
    "accounts:login": Entry(get=roles(REDIRECT, anonymous=OK)),
    "accounts:login_otp": Entry(get=roles(REDIRECT, anonymous=REDIRECT)),
    "accounts:logout": Entry(post=roles(REDIRECT, anonymous=REDIRECT)),
    "accounts:password": Entry(
        get=LOGGED_IN,
        post=roles(DONE),
        payload=lambda t: {
            "old_password": "Hongfan@2026",
            "new_password": "Xin#Mima2027",
            "new_password2": "Xin#Mima2027",
        },
    ),
    "accounts:2fa": Entry(get=LOGGED_IN, post=LOGGED_IN, payload=lambda t: {"token": "000000"}),
    # --- organisation
    "org:hospitals": Entry(get=only(city=True)),
    "org:hospital": Entry(get=HOSPITAL_READ, args=HOSPITAL),
    "org:branch": Entry(
        get=roles(FORBIDDEN, city=OK, hosp=OK, sec=OK, member=OK, hosp2=MISSING), args=BRANCH
    ),
    "org:structure": Entry(
        get=HOSPITAL_READ,
        post=HOSPITAL_WRITE,
        payload=lambda t: {"name": "新设测试科", "kind": "clinical", "active": "on"},
        args=HOSPITAL,
    ),
    "org:department_edit": Entry(
        get={**HOSPITAL_READ, "city": FORBIDDEN},
        post={**HOSPITAL_WRITE},
        payload=lambda t: {"name": t.department.name + "（改）", "kind": t.department.kind},
        args=lambda t: [t.department.pk],
    ),
    "org:branch_new": Entry(
        get=only(hosp=True, hosp2=True),
        post=only(DONE, hosp=True, hosp2=True),
        payload=lambda t: {"name": "新成立党支部", "kind": "branch"},
    ),
    "org:branch_edit": Entry(
        get=ADMIN_ONLY, post=ADMIN_ONLY_WRITE, payload=branch_payload, args=BRANCH
    ),
    "org:committee_elect": Entry(
        get=ADMIN_ONLY, post=ADMIN_ONLY_WRITE, payload=committee_payload, args=BRANCH
    ),
    "org:group_new": Entry(
        get=MANAGED, post=MANAGED_WRITE, payload=lambda t: {"name": "第九党小组"}, args=BRANCH
    ),
    "org:group_edit": Entry(
        get=MANAGED,
        post=MANAGED_WRITE,
        payload=lambda t: {"name": t.group.name + "（改）"},
        args=lambda t: [t.group.pk],
    ),
    "org:rules": Entry(get=only(city=True), post=only(DONE, city=True), payload=rules_payload),
    "org:people": Entry(get=MANAGER_LIST),
    "org:person_new": Entry(
        get=only(hosp=True, sec=True, hosp2=True),
        # hosp2's form offers only its own hospital's departments: refused as invalid input
        post=only(DONE, hosp=True, sec=True, hosp2=OK),
        payload=new_person_payload,
    ),
    "org:person": Entry(get={**MANAGED, "city": OK}, args=PERSON),
    "org:person_edit": Entry(get=MANAGED, post=MANAGED_WRITE, payload=person_payload, args=PERSON),
    "org:person_transfer": Entry(
        get=ADMIN_ONLY,
        post=ADMIN_ONLY_WRITE,
        payload=lambda t: {
            "to_branch": other_branch().pk,
            "on": today().isoformat(),
            "reason": "科室调整",
        },
        args=PERSON,
    ),
    "org:person_leave": Entry(
        get=ADMIN_ONLY,
        post=ADMIN_ONLY_WRITE,
        payload=lambda t: {"on": today().isoformat(), "reason": "调出"},
        args=PERSON,
    ),
    "org:person_reveal": Entry(
        post=roles(FORBIDDEN, hosp=OK, hosp2=MISSING),
        args=lambda t: [t.person.pk, "id_number"],
    ),
    "org:development": Entry(get=MANAGER_LIST),
    "org:development_new": Entry(
        get=only(hosp=True, sec=True, hosp2=True),
        post=only(DONE, hosp=True, sec=True, hosp2=OK),  # hosp2: not its branch, invalid
        payload=development_new_payload,
    ),
    "org:applicant_search": Entry(get=only(hosp=True, sec=True, hosp2=True)),
    "org:development_edit": Entry(
        get={**MANAGED, "city": OK},
        post=MANAGED_WRITE,
        payload=development_payload,
        args=DEV,
    ),
    "org:development_stop": Entry(
        post=MANAGED_WRITE, payload=lambda t: {"reason": "本人撤回申请"}, args=DEV
    ),
    "org:cultivation": Entry(
        get=only(city=True, hosp=True, hosp2=True),
        post=only(DONE, hosp=True, hosp2=OK),  # hosp2: the person is not in its hospital
        payload=cultivation_payload,
    ),
    "org:cultivation_close": Entry(
        post={**HOSPITAL_WRITE},
        payload=lambda t: {"outcome": "stopped", "on": today().isoformat(), "note": "调离"},
        args=lambda t: [t.cultivation.pk],
    ),
    "org:roster_import": Entry(
        get=only(hosp=True, hosp2=True),
        post=only(DONE, hosp=True, hosp2=True),  # each into their own hospital
        payload=roster_payload,
    ),
    "org:roster_template": Entry(get=only(city=True, hosp=True, hosp2=True)),
    "org:roster_export": Entry(get=only(city=True, hosp=True, hosp2=True)),
    # --- working-day calendar: national data every user reads; the city admin enters it
    # (business data: not the system admin's, 三员分立; docs/decisions/0007)
    "workdays:index": Entry(get=roles(REDIRECT)),
    "workdays:year": Entry(get=LOGGED_IN, args=lambda t: [2026]),
    "workdays:edit": Entry(
        get=only(city=True),
        post=only(DONE, city=True),
        payload=lambda t: {"note": "", "holidays": "2031-01-01 元旦", "workdays": ""},
        args=lambda t: [2031],
    ),
    # --- 三员: security admin, system admin, auditor
    "security:roles": Entry(
        get=only(security=True), post=only(DONE, security=True), payload=grant_payload
    ),
    "security:revoke": Entry(post=only(DONE, security=True), args=lambda t: [t.assignment.pk]),
    "security:policy": Entry(
        get=only(security=True), post=only(DONE, security=True), payload=policy_payload
    ),
    "security:unlock": Entry(
        get=only(security=True),
        post=only(DONE, security=True),
        payload=lambda t: {"username": "member"},
    ),
    "system:users": Entry(
        get=only(sysadmin=True),
        post=only(DONE, sysadmin=True),
        payload=lambda t: {
            "username": "newcomer",
            "display_name": "新同事",
            "password": "Xin#Mima2027",
        },
    ),
    "system:user_active": Entry(
        post=only(DONE, sysadmin=True),
        payload=lambda t: {"active": "0"},
        args=lambda t: [t.account.pk],
    ),
    "audit:trail": Entry(get=only(audit=True)),
    "audit:changes": Entry(get=only(audit=True)),
    # --- API (DRF answers an anonymous caller with 403 rather than a redirect)
    "api-people": Entry(get=API_LIST),
    "api-person": Entry(
        get={**MANAGED, "city": OK, "anonymous": FORBIDDEN},
        args=PERSON,
    ),
    "api-branches": Entry(get={**API_LIST, "member": OK}),
    "api-development": Entry(get=API_LIST),
    "api-schema": Entry(get=roles(OK, anonymous=FORBIDDEN)),
    # --- points
    "points:mine": Entry(get=roles(FORBIDDEN, hosp=OK, sec=OK, member=OK, hosp2=OK)),
    "points:person": Entry(get={**MANAGED, "city": OK}, args=PERSON),
    "points:claim_new": Entry(
        get=roles(FORBIDDEN, hosp=OK, sec=OK, member=OK),
        post=roles(FORBIDDEN, hosp=DONE, sec=DONE, member=DONE),
        payload=lambda t: {
            "rule": PointRule.objects.get(hospital=t.hospital, code="ORG-LECTURE").pk,
            "occurred_on": today().isoformat(),
            "quantity": "1",
            "description": "矩阵测试：讲授党课",
        },
    ),
    "points:claims_mine": Entry(get=roles(FORBIDDEN, hosp=OK, sec=OK, member=OK, hosp2=OK)),
    "points:claim_review": Entry(get=roles(FORBIDDEN, hosp=OK, sec=OK, hosp2=OK)),
    "points:claim_decide": Entry(
        post=roles(FORBIDDEN, hosp=DONE, sec=DONE, hosp2=MISSING),
        payload=lambda t: {"action": "approve", "reason": "属实"},
        args=lambda t: [points_claim(t).pk],
    ),
    "points:claim_photo": Entry(
        get=roles(FORBIDDEN, hosp=OK, sec=OK, member=OK, hosp2=MISSING),
        args=lambda t: [points_claim(t).pk],
    ),
    "points:appeal_new": Entry(
        get=roles(FORBIDDEN, member=OK, hosp2=MISSING),
        post=roles(FORBIDDEN, member=DONE, hosp2=MISSING),
        payload=lambda t: {"reason": "矩阵测试申诉"},
        args=lambda t: [member_entry(t).pk],
    ),
    "points:appeal_review": Entry(get=roles(FORBIDDEN, hosp=OK, sec=OK, hosp2=OK)),
    "points:appeal_decide": Entry(
        post=roles(FORBIDDEN, hosp=DONE, sec=DONE, hosp2=MISSING),
        payload=lambda t: {"action": "dismiss", "reason": "矩阵测试"},
        args=lambda t: [points_appeal(t).pk],
    ),
    "points:rankings": Entry(get=MANAGER_LIST),
    "points:rankings_export": Entry(get=MANAGER_LIST),
    "api-points-me": Entry(
        get=roles(FORBIDDEN, anonymous=FORBIDDEN, hosp=OK, sec=OK, member=OK, hosp2=OK)
    ),
    "api-points-ledger": Entry(
        get=roles(FORBIDDEN, anonymous=FORBIDDEN, hosp=OK, sec=OK, member=OK, hosp2=OK)
    ),
    "api-points-rankings": Entry(get=API_LIST),
    "api-points-claims": Entry(
        get=roles(FORBIDDEN, anonymous=FORBIDDEN, hosp=OK, sec=OK, member=OK, hosp2=OK)
    ),
    "api-points-claim-review": Entry(
        get=roles(FORBIDDEN, anonymous=FORBIDDEN, hosp=OK, sec=OK, hosp2=OK)
    ),
    "api-points-claim-decide": Entry(
        post=roles(FORBIDDEN, anonymous=FORBIDDEN, hosp=OK, sec=OK, hosp2=MISSING),
        payload=lambda t: {"approve": "false", "reason": "矩阵测试：证据不足"},
        args=lambda t: [points_claim(t).pk],
    ),
    "points:rules": Entry(
        get={**MANAGER_LIST, "member": OK},
        post=roles(FORBIDDEN, hosp=DONE, hosp2=DONE, sec=FORBIDDEN),
        payload=lambda t: {
            "code": "TEST-NEW",
            "name": "测试规则",
            "category": "other",
            "effective_from": today().isoformat(),
            "points": "1",
        },
    ),
    "points:rule_edit": Entry(
        get=ADMIN_ONLY,
        post=ADMIN_ONLY_WRITE,
        payload=lambda t: {
            "effective_from": (today() + timedelta(days=1)).isoformat(),
            "points": "3",
            "daily_cap": "6",
        },
        args=lambda t: [points_rule(t).pk],
    ),
    "points:copy_defaults": Entry(
        post=roles(FORBIDDEN, hosp=DONE, hosp2=DONE), payload=lambda t: {}
    ),
    "points:award": Entry(
        get=only(hosp=True, sec=True, hosp2=True),
        post=only(DONE, hosp=True, sec=True, hosp2=OK),
        payload=lambda t: {
            "person": t.person.pk,
            "rule": points_rule(t).pk,
            "occurred_on": today().isoformat(),
            "quantity": "1",
            "reason": "矩阵测试",
        },
    ),
    "points:reverse": Entry(
        post={**MANAGED_WRITE, "city": FORBIDDEN},
        payload=lambda t: {"reason": "录入错误"},
        args=lambda t: [points_entry(t).pk],
    ),
    # --- 消息 ---
    "notices:inbox": Entry(get=LOGGED_IN),
    "notices:read": Entry(
        post=roles(MISSING, member=DONE),
        payload=lambda t: {},
        args=lambda t: [member_notification(t).pk],
    ),
    "notices:read_all": Entry(post=roles(DONE), payload=lambda t: {}),
}

# 组织生活, 学习教育 and 季度之星: these apps keep their rows beside their targets
# (hongfan/<app>/tests/role_rows.py).
for app_rows in (orglife_rows.TABLE, study_rows.TABLE, recognition_rows.TABLE):
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
        "notifications": list(Notification.objects.order_by("pk").values_list("pk", "read_at")),
        "study": study_state(),
    }


# --- the matrix ----------------------------------------------------------------------------------


# The hospitals whose rows a business role's pages may show or offer (the city admin works
# city-wide; the 三员 administer accounts and the audit trail system-wide, not business rows).
CHOICE_SCOPE: dict[str, Callable[[], set[int] | None]] = {
    "city": lambda: None,
    "hosp": lambda: {primary().pk},
    "sec": lambda: {primary().pk},
    "member": lambda: {primary().pk},
    "hosp2": lambda: {second().pk},
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
    client.post(url, person_payload(t), REMOTE_ADDR="10.20.30.40")
    event = AuditEvent.objects.filter(action="denied").order_by("-pk").first()
    assert event.user_id == users["security"].pk
    assert event.ip == "10.20.30.40"
    assert event.detail == {"path": url, "method": "POST"}
    assert event.at <= timezone.now()
