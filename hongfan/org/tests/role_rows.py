"""org's rows of the role matrix (hongfan/tests/test_role_matrix.py merges them into its
table, as it does those of study, recognition and orglife): every org URL × every demo
role — the home page, the hospital and branch structure, people, development, dual
cultivation, the roster and org's API — allowed, 403, 404 or sent to log in, and a denied
write changes nothing.

The targets are rows of the demo's 济宁市第三人民医院 (``t``, the matrix's ``Targets``: its
hospital, sec's branch, a member of it, a development in progress…). The payloads would
each succeed for an allowed role."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hongfan.core.dates import add_months, today
from hongfan.core.testing.role_matrix import (
    DONE,
    FORBIDDEN,
    MISSING,
    OK,
    REDIRECT,
    Row,
    only,
    roles,
)
from hongfan.org.choices import PersonStatus, PoliticalStatus
from hongfan.org.models import DualCultivation, OrgRule, Person
from hongfan.org.tests.factories import other_branch, unused_id_number

# --- payloads: each would succeed for an allowed role ---------------------------------------


def _d(day: date | None) -> str:
    return day.isoformat() if day else ""


def person_payload(t: Any) -> dict[str, Any]:
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


def new_person_payload(t: Any) -> dict[str, Any]:
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


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _sec_access() -> Any:
    from hongfan.accounts.models import User
    from hongfan.core.access import access_for

    return access_for(User.objects.get(username="sec"))


def development_step_args(t: Any) -> list[Any]:
    """The development and a step of it that can be recorded today (a repeating step such
    as 思想汇报 last done before today, else the first open one)."""
    from hongfan.org.selectors.development import development_steps

    rows = development_steps(access=_sec_access(), development=t.development).rows
    for row in rows:
        p = row.plan
        if p.open and (p.earliest is None or p.earliest <= today()):
            if not p.done or p.done[-1] < today():
                if p.rule.kind not in ("training", "volunteer_form", "branch_meeting"):
                    return [t.development.pk, p.rule.kind]
    raise AssertionError("no step of the target development can be recorded today")


def development_step_payload(t: Any) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {
        "done_on": today().isoformat(),
        "late_reason": "本人外出学习，返院后补交",
        "note": "矩阵测试",
        "file": SimpleUploadedFile("思想汇报.pdf", PDF, content_type="application/pdf"),
    }


def development_introducers_payload(t: Any) -> dict[str, Any]:
    from hongfan.org.selectors.development import introducer_options

    a, b = introducer_options(access=_sec_access(), development=t.development)[:2]
    return {"introducer_1": a.pk, "introducer_2": b.pk}


def development_a_step(t: Any) -> Any:
    from hongfan.org.models import DevelopmentStep

    return DevelopmentStep.objects.filter(development=t.development).order_by("pk").first()


def development_document(t: Any) -> Any:
    """A document of the target development's first step (uploaded once per test)."""
    if "dev_document" not in t.values:
        from django.core.files.base import ContentFile

        from hongfan.org.services.development import development_document_add

        t.values["dev_document"] = development_document_add(
            access=_sec_access(),
            step=development_a_step(t),
            upload=ContentFile(PDF, name="入党申请书.pdf"),  # type: ignore[arg-type]
        )
    return t.values["dev_document"]


def development_document_payload(t: Any) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"file": SimpleUploadedFile("申请书.pdf", PDF, content_type="application/pdf")}


def probationary_development(t: Any) -> list[Any]:
    """A 预备党员 of sec's branch whose probation has not been extended."""
    from hongfan.org.models import Development

    dev = (
        Development.objects.filter(
            branch=t.branch, status="active", stage="probationary", extension_months=0
        )
        .order_by("pk")
        .first()
    )
    assert dev is not None, "the demo has no probationary member in sec's branch"
    return [dev.pk]


def development_rules_payload(t: Any) -> dict[str, Any]:
    """Every step's numbers as in force, the talk's time limit changed to 20 days."""
    from hongfan.org.selectors.development import step_rules_for

    data: dict[str, Any] = {"effective_from": today().isoformat()}
    for r in step_rules_for(t.hospital.authority_id):
        for name in ("earliest_amount", "earliest_unit", "latest_unit", "repeat_months"):
            data[f"{r.kind}__{name}"] = getattr(r, name)
        data[f"{r.kind}__latest_amount"] = "" if r.latest_amount is None else r.latest_amount
        for flag in ("needs_document", "active"):
            if getattr(r, flag):
                data[f"{r.kind}__{flag}"] = "on"
    data["talk__latest_amount"] = 20
    return data


def development_new_payload(t: Any) -> dict[str, Any]:
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


def cultivation_payload(t: Any) -> dict[str, Any]:
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


def branch_payload(t: Any) -> dict[str, Any]:
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


def committee_payload(t: Any) -> dict[str, Any]:
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


def rules_payload(t: Any) -> dict[str, Any]:
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


def roster_payload(t: Any) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    birth = date(1991, 3, 3)
    text = (
        "姓名,性别,出生日期,科室,政治面貌,身份证号\n"
        f"导入的职工,男,{birth.isoformat()},{t.department.name},群众,"
        f"{unused_id_number(birth, 'M')}\n"
    )
    return {"file": SimpleUploadedFile("roster.csv", text.encode("utf-8"), "text/csv")}


HOSPITAL = lambda t: [t.hospital.pk]  # noqa: E731
BRANCH = lambda t: [t.branch.pk]  # noqa: E731
PERSON = lambda t: [t.person.pk]  # noqa: E731
DEV = lambda t: [t.development.pk]  # noqa: E731

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

TABLE: dict[str, Row] = {
    # every business role's 首页; the 三员 are sent to the page they work on
    "home": Row(get=roles(OK, audit=REDIRECT, security=REDIRECT, sysadmin=REDIRECT)),
    # --- organisation
    "org:hospitals": Row(get=only(city=True)),
    "org:hospital": Row(get=HOSPITAL_READ, args=HOSPITAL),
    "org:branch": Row(
        get=roles(FORBIDDEN, city=OK, hosp=OK, sec=OK, member=OK, hosp2=MISSING), args=BRANCH
    ),
    "org:structure": Row(
        get=HOSPITAL_READ,
        post=HOSPITAL_WRITE,
        payload=lambda t: {"name": "新设测试科", "kind": "clinical", "active": "on"},
        args=HOSPITAL,
    ),
    "org:department_edit": Row(
        get={**HOSPITAL_READ, "city": FORBIDDEN},
        post={**HOSPITAL_WRITE},
        payload=lambda t: {"name": t.department.name + "（改）", "kind": t.department.kind},
        args=lambda t: [t.department.pk],
    ),
    "org:branch_new": Row(
        get=only(hosp=True, hosp2=True),
        post=only(DONE, hosp=True, hosp2=True),
        payload=lambda t: {"name": "新成立党支部", "kind": "branch"},
    ),
    "org:branch_edit": Row(
        get=ADMIN_ONLY, post=ADMIN_ONLY_WRITE, payload=branch_payload, args=BRANCH
    ),
    "org:committee_elect": Row(
        get=ADMIN_ONLY, post=ADMIN_ONLY_WRITE, payload=committee_payload, args=BRANCH
    ),
    "org:group_new": Row(
        get=MANAGED, post=MANAGED_WRITE, payload=lambda t: {"name": "第九党小组"}, args=BRANCH
    ),
    "org:group_edit": Row(
        get=MANAGED,
        post=MANAGED_WRITE,
        payload=lambda t: {"name": t.group.name + "（改）"},
        args=lambda t: [t.group.pk],
    ),
    "org:rules": Row(get=only(city=True), post=only(DONE, city=True), payload=rules_payload),
    "org:people": Row(get=MANAGER_LIST),
    "org:person_new": Row(
        get=only(hosp=True, sec=True, hosp2=True),
        # hosp2's form offers only its own hospital's departments: refused as invalid input
        post=only(DONE, hosp=True, sec=True, hosp2=OK),
        payload=new_person_payload,
    ),
    "org:person": Row(get={**MANAGED, "city": OK}, args=PERSON),
    "org:person_edit": Row(get=MANAGED, post=MANAGED_WRITE, payload=person_payload, args=PERSON),
    "org:person_transfer": Row(
        get=ADMIN_ONLY,
        post=ADMIN_ONLY_WRITE,
        payload=lambda t: {
            "to_branch": other_branch().pk,
            "on": today().isoformat(),
            "reason": "科室调整",
        },
        args=PERSON,
    ),
    "org:person_leave": Row(
        get=ADMIN_ONLY,
        post=ADMIN_ONLY_WRITE,
        payload=lambda t: {"on": today().isoformat(), "reason": "调出"},
        args=PERSON,
    ),
    "org:person_reveal": Row(
        post=roles(FORBIDDEN, hosp=OK, hosp2=MISSING),
        args=lambda t: [t.person.pk, "id_number"],
    ),
    "org:development": Row(get=MANAGER_LIST),
    "org:development_new": Row(
        get=only(hosp=True, sec=True, hosp2=True),
        post=only(DONE, hosp=True, sec=True, hosp2=OK),  # hosp2: not its branch, invalid
        payload=development_new_payload,
    ),
    "org:applicant_search": Row(get=only(hosp=True, sec=True, hosp2=True)),
    "org:development_edit": Row(get={**MANAGED, "city": OK}, args=DEV),
    "org:development_step": Row(
        post=MANAGED_WRITE, payload=development_step_payload, args=development_step_args
    ),
    "org:development_introducers": Row(
        post=MANAGED_WRITE, payload=development_introducers_payload, args=DEV
    ),
    "org:introducer_search": Row(get=MANAGED, args=DEV),
    "org:development_rules": Row(
        get=only(city=True), post=only(DONE, city=True), payload=development_rules_payload
    ),
    "org:development_extend": Row(
        post=MANAGED_WRITE,
        payload=lambda t: {"months": 6, "reason": "支部大会决议延长预备期"},
        args=probationary_development,
    ),
    "org:development_paper": Row(
        get={**MANAGED, "city": OK}, args=lambda t: [t.development.pk, "candidate_notice"]
    ),
    "org:development_document_add": Row(
        post=MANAGED_WRITE,
        payload=development_document_payload,
        args=lambda t: [development_a_step(t).pk],
    ),
    "org:development_document": Row(
        get={**MANAGED, "city": OK}, args=lambda t: [development_document(t).pk]
    ),
    "org:development_stop": Row(
        post=MANAGED_WRITE, payload=lambda t: {"reason": "本人撤回申请"}, args=DEV
    ),
    "org:cultivation": Row(
        get=only(city=True, hosp=True, hosp2=True),
        post=only(DONE, hosp=True, hosp2=OK),  # hosp2: the person is not in its hospital
        payload=cultivation_payload,
    ),
    "org:cultivation_close": Row(
        post={**HOSPITAL_WRITE},
        payload=lambda t: {"outcome": "stopped", "on": today().isoformat(), "note": "调离"},
        args=lambda t: [t.cultivation.pk],
    ),
    "org:roster_import": Row(
        get=only(hosp=True, hosp2=True),
        post=only(DONE, hosp=True, hosp2=True),  # each into their own hospital
        payload=roster_payload,
    ),
    # without a kept upload: back to the import page with a message
    "org:roster_import_marked": Row(get=only(REDIRECT, hosp=True, hosp2=True)),
    "org:roster_template": Row(get=only(city=True, hosp=True, hosp2=True)),
    "org:roster_export": Row(get=only(city=True, hosp=True, hosp2=True)),
    # the unmasked export: only a hospital's own admin (each their own hospital), with a reason
    "org:roster_export_full": Row(
        get=only(hosp=True, hosp2=True),
        post=only(hosp=True, hosp2=True),
        payload=lambda t: {"reason": "核对手机号后重新导入"},
    ),
    # --- API (DRF answers an anonymous caller with 403 rather than a redirect)
    "api-people": Row(get=API_LIST),
    "api-person": Row(
        get={**MANAGED, "city": OK, "anonymous": FORBIDDEN},
        args=PERSON,
    ),
    "api-branches": Row(get={**API_LIST, "member": OK}),
    "api-development": Row(get=API_LIST),
}
