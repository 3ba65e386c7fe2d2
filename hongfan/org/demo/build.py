"""Generate a believable hospital (departments, branches, people, committees, development).

Used by ``manage.py builddemo`` for the demo city and by ``bench/`` for the city-scale
database. Everything is inserted with ``bulk_create`` so that a whole city builds fast;
dates are computed relative to ``day`` and every development record is checked against
the same rules the UI enforces before it is written.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from hongfan.core.dates import add_months, age_on
from hongfan.core.idcard import make_id_number
from hongfan.core.pii import encrypt, keyed_hash
from hongfan.org.choices import (
    BranchKind,
    CultivationDirection,
    CultivationOutcome,
    DepartmentKind,
    DevelopmentStatus,
    PoliticalStatus,
    SeatRole,
)
from hongfan.org.demo import names as N
from hongfan.org.models import (
    Authority,
    Branch,
    BranchCommittee,
    CommitteeSeat,
    Department,
    Development,
    DualCultivation,
    Hospital,
    OrgRule,
    PartyCommittee,
    PartyGroup,
    Person,
    Transfer,
)
from hongfan.org.rules import DevDates, development_errors, development_stage


@dataclass
class HospitalSpec:
    name: str
    short_name: str
    staff: int
    members: int
    branches: int
    alias: str = ""  # the hospital's other name, if it has two
    level: str = "三级甲等"
    region: str = "370811"
    brand: str = ""
    brand_description: str = ""
    branch_brands: dict[str, str] = field(default_factory=dict)
    reported_staff: int | None = None
    dual_leader_share: float = 0.9
    general_branches: int = 0
    recruited_this_year: int = 0
    uncovered_departments: int = 0
    warnings: bool = True  # seed a few branch-health warnings to show the rules at work


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


class PersonFactory:
    """Chinese names, valid ID numbers and mobiles, unique within one hospital."""

    def __init__(self, rng: random.Random, region: str):
        self.rng = rng
        self.region = region
        self.ids: set[str] = set()
        self.mobiles: set[str] = set()

    def name(self, gender: str) -> str:
        rng = self.rng
        surname = rng.choices(N.SURNAMES, weights=N.SURNAME_WEIGHTS)[0]
        pool = N.GIVEN_MALE if gender == "M" else N.GIVEN_FEMALE
        if rng.random() < 0.3:
            return surname + rng.choice(pool)
        return surname + rng.choice(N.GIVEN_ANY + pool) + rng.choice(pool)

    def id_number(self, birth: date, gender: str) -> str:
        rng = self.rng
        region = self.region if rng.random() < 0.6 else rng.choice(N.JINING_REGIONS)
        while True:
            value = make_id_number(region, birth, gender, rng)
            if value not in self.ids:
                self.ids.add(value)
                return value

    def mobile(self) -> str:
        rng = self.rng
        while True:
            value = (
                rng.choice(("13", "15", "18", "17", "19"))
                + str(rng.randint(0, 9))
                + (f"{rng.randint(0, 99_999_999):08d}")
            )
            if value not in self.mobiles:
                self.mobiles.add(value)
                return value


def ensure_authority(name: str = "济宁市卫生健康委员会", city: str = "济宁市") -> Authority:
    authority, _ = Authority.objects.get_or_create(name=name, defaults={"city": city})
    OrgRule.objects.get_or_create(authority=authority, effective_from=date(2019, 1, 1))
    return authority


def _departments_for(spec: HospitalSpec) -> list[tuple[str, DepartmentKind]]:
    n_clin = min(len(N.CLINICAL), max(8, spec.staff // 50))
    n_tech = min(len(N.MEDTECH), max(3, spec.staff // 250))
    n_admin = min(len(N.ADMIN), max(6, spec.staff // 120))
    clinical = N.CLINICAL[:n_clin]
    # A big hospital asks for more clinical branches than it has specialities: split the
    # specialities into wards (病区), each with its own branch, as such hospitals do.
    wanted = spec.branches - _support_branch_counts(spec, n_tech)[3]
    if wanted > len(clinical):
        wards = {name: 1 for name in N.CLINICAL}
        i = 0
        while sum(wards.values()) < wanted:
            wards[N.CLINICAL[i % len(N.CLINICAL)]] += 1
            i += 1
        clinical = [
            name if wards[name] == 1 else f"{name}{_cn(j)}病区"
            for name in N.CLINICAL
            for j in range(1, wards[name] + 1)
        ]
    return (
        [(d, DepartmentKind.CLINICAL) for d in clinical]
        + [(d, DepartmentKind.MEDTECH) for d in N.MEDTECH[:n_tech]]
        + [(d, DepartmentKind.NURSING) for d in N.NURSING]
        + [(d, DepartmentKind.ADMIN) for d in N.ADMIN[:n_admin]]
    )


def _support_branch_counts(spec: HospitalSpec, n_tech_depts: int) -> tuple[int, int, int, int]:
    """Admin, medtech and nursing branches, and their sum; the rest are clinical."""
    n_admin = 2 if spec.branches >= 14 else 1
    n_tech = 2 if spec.branches >= 18 and n_tech_depts >= 4 else 1
    n_nurse = 1
    return n_admin, n_tech, n_nurse, n_admin + n_tech + n_nurse


def _partition(items: list[Department], parts: int) -> list[list[Department]]:
    parts = max(1, min(parts, len(items)))
    out: list[list[Department]] = [[] for _ in range(parts)]
    for i, item in enumerate(items):
        out[i * parts // len(items)].append(item)
    return out


def _title_for(kind: str, rng: random.Random, is_nurse: bool) -> tuple[str, str]:
    if kind == DepartmentKind.CLINICAL:
        if is_nurse:
            return "护士", _weighted(rng, N.NURSE_TITLES)
        return "医生", _weighted(rng, N.DOCTOR_TITLES)
    if kind == DepartmentKind.NURSING:
        return "护理管理", _weighted(rng, N.NURSE_TITLES)
    if kind == DepartmentKind.MEDTECH:
        return "技师", _weighted(rng, N.TECH_TITLES)
    return "管理人员", _weighted(rng, N.ADMIN_TITLES)


def build_hospital(authority: Authority, spec: HospitalSpec, *, seed: int, day: date) -> Hospital:  # noqa: C901, PLR0915
    rng = random.Random(seed)
    pf = PersonFactory(rng, spec.region)
    hospital = Hospital.objects.create(
        authority=authority,
        name=spec.name,
        short_name=spec.short_name,
        alias=spec.alias,
        level=spec.level,
        region_code=spec.region,
        reported_staff=spec.reported_staff,
        brand_name=spec.brand,
        brand_description=spec.brand_description,
    )
    PartyCommittee.objects.create(
        hospital=hospital,
        name=f"中共{spec.name}委员会",
        term_start=date(day.year - 2, 6, 1),
        term_end=date(day.year + 3, 5, 31),
    )

    # Departments ------------------------------------------------------------------------
    departments = Department.objects.bulk_create(
        [Department(hospital=hospital, name=n, kind=k) for n, k in _departments_for(spec)]
    )
    weights = [
        {"clinical": 10, "medtech": 7, "nursing": 3, "admin": 3}[str(d.kind)]
        * rng.uniform(0.7, 1.4)
        for d in departments
    ]
    total_w = sum(weights)
    sizes = [max(3, round(spec.staff * w / total_w)) for w in weights]
    sizes[0] += spec.staff - sum(sizes)

    # People -------------------------------------------------------------------------------
    people: list[Person] = []
    dept_of: list[Department] = []
    for dept, size in zip(departments, sizes, strict=True):
        for i in range(size):
            is_nurse = dept.kind == DepartmentKind.CLINICAL and rng.random() < 0.45
            gender = (
                "F"
                if (is_nurse or dept.kind == DepartmentKind.NURSING) and rng.random() < 0.93
                else ("M" if rng.random() < 0.5 else "F")
            )
            age = rng.choices(
                range(22, 60), weights=[max(1, 30 - abs(a - 36)) for a in range(22, 60)]
            )[0]
            if i == 0:
                age = rng.randint(45, 57)
            birth = date(day.year - age, rng.randint(1, 12), rng.randint(1, 28))
            post, title = _title_for(dept.kind, rng, is_nurse)
            if i == 0:
                post = "科主任" if dept.kind != DepartmentKind.ADMIN else "主任"
                title = {"clinical": "主任医师", "medtech": "主任技师", "nursing": "主任护师"}.get(
                    dept.kind, "高级经济师"
                )
            elif i == 1 and size > 12:
                post = "副主任"
            elif i == 2 and dept.kind == DepartmentKind.CLINICAL:
                post, title = "护士长", rng.choice(("副主任护师", "主管护师"))
            education = _weighted(
                rng,
                N.EDUCATION_WEIGHTS_DOCTOR
                if post in ("医生", "科主任", "副主任")
                else N.EDUCATION_WEIGHTS_OTHER,
            )
            id_number = pf.id_number(birth, gender)
            mobile = pf.mobile()
            p = Person(
                hospital=hospital,
                name=pf.name(gender),
                gender=gender,
                ethnicity=_weighted(rng, N.ETHNICITY_WEIGHTS),
                birth_date=birth,
                education=education,
                department=dept,
                post=post,
                title=title,
                is_middle_cadre=post in ("科主任", "主任", "副主任", "护士长"),
                is_department_head=i == 0,
                is_senior_expert=title in ("主任医师", "主任技师"),
                id_number_enc=encrypt(id_number),
                id_number_hash=keyed_hash(id_number),
                mobile_enc=encrypt(mobile),
                mobile_hash=keyed_hash(mobile),
            )
            people.append(p)
            dept_of.append(dept)

    # Branches: "支部建在科室上" --------------------------------------------------------------
    covered = [d for d in departments]
    uncovered: list[Department] = []
    if spec.uncovered_departments:
        admin_depts = [d for d in departments if d.kind == DepartmentKind.ADMIN]
        uncovered = admin_depts[-spec.uncovered_departments :]
        covered = [d for d in departments if d not in uncovered]
    clinical = [d for d in covered if d.kind == DepartmentKind.CLINICAL]
    others_tech = [d for d in covered if d.kind in (DepartmentKind.MEDTECH,)]
    nursing = [d for d in covered if d.kind == DepartmentKind.NURSING]
    admin = [d for d in covered if d.kind == DepartmentKind.ADMIN]
    n_admin, n_tech, n_nurse, _ = _support_branch_counts(spec, len(others_tech))
    if not nursing:
        n_nurse = 0
    n_clin = max(1, spec.branches - n_admin - n_tech - n_nurse)
    groups: list[tuple[str, list[Department]]] = []
    clin_parts = _partition(clinical, n_clin)
    clin_counter = 0
    for part in clin_parts:
        if len(part) == 1:
            groups.append((f"{part[0].name}党支部", part))
        else:
            clin_counter += 1
            groups.append((f"第{_cn(clin_counter)}临床党支部", part))
    for i, part in enumerate(_partition(others_tech, n_tech), 1):
        groups.append((f"医技第{_cn(i)}党支部" if n_tech > 1 else "医技党支部", part))
    for part in _partition(nursing, n_nurse) if n_nurse else []:
        groups.append(("护理党支部", part))
    for i, part in enumerate(_partition(admin, n_admin), 1):
        groups.append((f"机关第{_cn(i)}党支部" if n_admin > 1 else "机关党支部", part))

    general: list[Branch] = []
    for i in range(spec.general_branches):
        general.append(
            Branch(
                hospital=hospital,
                kind=BranchKind.GENERAL_BRANCH,
                name=["内科党总支", "外科党总支", "医技党总支"][i % 3] + ("" if i < 3 else str(i)),
                founded_on=date(2012, 7, 1),
            )
        )
    Branch.objects.bulk_create(general)
    branches = [
        Branch(
            hospital=hospital,
            kind=BranchKind.BRANCH,
            name=name,
            brand_name=spec.branch_brands.get(name, ""),
            founded_on=date(rng.randint(2008, 2022), rng.randint(1, 12), 1),
            parent=general[i % len(general)] if general and i < len(groups) // 2 else None,
        )
        for i, (name, _) in enumerate(groups)
    ]
    if len(branches) != spec.branches:
        raise ValueError(
            f"{spec.name}: asked for {spec.branches} branches, the departments give {len(branches)}"
        )
    Branch.objects.bulk_create(branches)
    through = Branch.departments.through
    through.objects.bulk_create(
        [
            through(branch_id=b.pk, department_id=d.pk)
            for b, (_, depts) in zip(branches, groups, strict=True)
            for d in depts
        ]
    )
    branch_of_dept = {
        d.pk: b for b, (_, depts) in zip(branches, groups, strict=True) for d in depts
    }
    fallback_branch = branches[-1]

    # Members ------------------------------------------------------------------------------
    recruited = spec.recruited_this_year or max(2, spec.members // 25)
    pipeline_probationary = min(recruited, max(1, spec.members // 12))
    historical_members = spec.members - pipeline_probationary
    scores = []
    for p in people:
        s = rng.random()
        if p.is_middle_cadre:
            s += 0.8
        if p.post in ("医生", "科主任", "副主任"):
            s += 0.25
        if age_on(p.birth_date, day) < 26:
            s -= 0.4
        scores.append(s)
    order = sorted(range(len(people)), key=lambda i: -scores[i])
    member_idx = set(order[:historical_members])
    for i, p in enumerate(people):
        if i in member_idx:
            p.political_status = PoliticalStatus.MEMBER
            p.branch = branch_of_dept.get(dept_of[i].pk, fallback_branch)
            earliest = add_months(p.birth_date, 12 * 21)
            latest = day - timedelta(days=400)
            span = max(1, (latest - earliest).days)
            p.joined_on = earliest + timedelta(days=rng.randint(0, span))
            p.full_member_on = add_months(p.joined_on, 12)
        elif rng.random() < 0.02:
            p.political_status = PoliticalStatus.OTHER_PARTY
    Person.objects.bulk_create(people, batch_size=2000)

    # Development pipeline --------------------------------------------------------------------
    rule = (
        OrgRule.objects.filter(authority=authority).order_by("-effective_from").first() or OrgRule()
    )
    pool = [
        p
        for p in people
        if p.political_status == PoliticalStatus.MASSES and age_on(p.birth_date, day) >= 23
    ]
    rng.shuffle(pool)
    n_app = max(2, spec.members // 40)
    n_act = max(3, spec.members // 18)
    n_cand = max(2, spec.members // 40)
    stages = (
        ["probationary"] * pipeline_probationary
        + ["candidate"] * n_cand
        + ["activist"] * n_act
        + ["applicant"] * n_app
    )
    devs: list[Development] = []
    changed_people: list[Person] = []
    for stage, person in zip(stages, pool, strict=False):
        dates = _dev_dates(stage, rng, day)
        if development_errors(dates, birth_date=person.birth_date, rule=rule, today=day):
            continue
        branch = branch_of_dept.get(person.department_id or 0, fallback_branch)
        devs.append(
            Development(
                person=person,
                hospital=hospital,
                branch=branch,
                stage=development_stage(dates),
                status=DevelopmentStatus.ACTIVE,
                introducers="",
                **vars(dates),
            )
        )
        if dates.probation_on:
            person.political_status = PoliticalStatus.PROBATIONARY
            person.joined_on = dates.probation_on
            person.branch = branch
        else:
            person.political_status = PoliticalStatus.APPLICANT
        changed_people.append(person)
    Person.objects.bulk_update(
        changed_people, ["political_status", "joined_on", "branch"], batch_size=1000
    )
    Development.objects.bulk_create(devs, batch_size=1000)

    # Secretaries, committees, groups ------------------------------------------------------
    members_by_branch: dict[int, list[Person]] = {b.pk: [] for b in branches}
    for p in people:
        if p.branch_id and p.political_status in (
            PoliticalStatus.MEMBER,
            PoliticalStatus.PROBATIONARY,
        ):
            members_by_branch[p.branch_id].append(p)
    committees: list[BranchCommittee] = []
    committee_members: list[tuple[BranchCommittee, list[tuple[Person, SeatRole]]]] = []
    groups_to_make: list[tuple[PartyGroup, list[Person]]] = []
    warned = {"term_ending": False, "term_expired": False, "no_committee": False}
    for b in branches:
        ms = members_by_branch[b.pk]
        full = [m for m in ms if m.political_status == PoliticalStatus.MEMBER]
        if not full:
            continue
        heads = [m for m in full if m.is_department_head]
        dual = rng.random() < spec.dual_leader_share
        secretary = (
            heads[0]
            if heads and dual
            else next((m for m in full if not m.is_department_head), full[0])
        )
        b.secretary = secretary
        if len(full) >= 7:
            if spec.warnings and not warned["no_committee"] and len(full) < 12:
                warned["no_committee"] = True
                continue
            start = date(day.year - rng.randint(0, 2), rng.choice((3, 6, 9, 12)), 1)
            years = 3 if rng.random() < 0.8 else 5
            if spec.warnings and not warned["term_ending"]:
                warned["term_ending"] = True
                start = add_months(day, -36) + timedelta(days=45)
                years = 3
            elif spec.warnings and not warned["term_expired"] and len(branches) > 15:
                warned["term_expired"] = True
                start = add_months(day, -37)
                years = 3
            c = BranchCommittee(
                branch=b,
                elected_on=start,
                term_start=start,
                term_end=add_months(start, 12 * years) - timedelta(days=1),
            )
            committees.append(c)
            others = [m for m in full if m is not secretary]
            rng.shuffle(others)
            roles = [SeatRole.ORGANISATION, SeatRole.PROPAGANDA, SeatRole.DISCIPLINE]
            if len(full) >= 20:
                roles = [SeatRole.DEPUTY, *roles]
            seats = [(secretary, SeatRole.SECRETARY)] + list(zip(others, roles, strict=False))
            committee_members.append((c, seats))
        if len(ms) >= 15:
            n_groups = min(4, math.ceil(len(ms) / 12))
            for gi in range(n_groups):
                chunk = ms[gi::n_groups]
                groups_to_make.append(
                    (PartyGroup(branch=b, name=f"第{_cn(gi + 1)}党小组", leader=chunk[0]), chunk)
                )
    Branch.objects.bulk_update(branches, ["secretary"])
    BranchCommittee.objects.bulk_create(committees)
    CommitteeSeat.objects.bulk_create(
        [
            CommitteeSeat(committee=c, person=p, role=r)
            for c, seats in committee_members
            for p, r in seats
        ]
    )
    PartyGroup.objects.bulk_create([g for g, _ in groups_to_make])
    grouped: list[Person] = []
    for g, chunk in groups_to_make:
        for p in chunk:
            p.party_group = g
            grouped.append(p)
    Person.objects.bulk_update(grouped, ["party_group"], batch_size=1000)

    # Transfers (history) and 双培养 ----------------------------------------------------------
    members = [p for p in people if p.political_status == PoliticalStatus.MEMBER]
    transfers = []
    for p in rng.sample(members, k=min(len(members), max(1, len(members) // 40))):
        src = rng.choice(branches)
        if src.pk != p.branch_id:
            transfers.append(
                Transfer(
                    person=p,
                    from_branch=src,
                    to_branch_id=p.branch_id,
                    transferred_on=day - timedelta(days=rng.randint(30, 900)),
                    reason=rng.choice(("科室调整", "岗位调动", "支部调整")),
                )
            )
    Transfer.objects.bulk_create(transfers)
    cultivations = []
    cadres = [
        p
        for p in people
        if p.is_middle_cadre
        and p.political_status in (PoliticalStatus.MASSES, PoliticalStatus.APPLICANT)
    ]
    for p in cadres[: max(2, spec.members // 40)]:
        cultivations.append(
            DualCultivation(
                hospital=hospital,
                person=p,
                direction=CultivationDirection.CADRE_TO_MEMBER,
                started_on=day - timedelta(days=rng.randint(60, 500)),
                goal="培养发展为党员",
                mentor=rng.choice(members) if members else None,
            )
        )
    young = [p for p in members if not p.is_middle_cadre and age_on(p.birth_date, day) < 40]
    for k, p in enumerate(young[: max(3, spec.members // 25)]):
        started = day - timedelta(days=rng.randint(200, 900))
        achieved = k % 3 == 0
        cultivations.append(
            DualCultivation(
                hospital=hospital,
                person=p,
                direction=CultivationDirection.MEMBER_TO_CADRE,
                started_on=started,
                goal=rng.choice(("培养为科室副主任", "培养为护士长", "培养为学科骨干")),
                outcome=CultivationOutcome.ACHIEVED if achieved else CultivationOutcome.IN_PROGRESS,
                outcome_on=started + timedelta(days=rng.randint(120, 180)) if achieved else None,
                mentor=rng.choice(members),
            )
        )
        if achieved:
            p.is_middle_cadre = True
            p.post = "副主任" if "护" not in p.title else "护士长"
            Person.objects.filter(pk=p.pk).update(is_middle_cadre=True, post=p.post)
    DualCultivation.objects.bulk_create(cultivations)
    return hospital


def _dev_dates(stage: str, rng: random.Random, day: date) -> DevDates:
    def before(d: date, lo: int, hi: int) -> date:
        return d - timedelta(days=rng.randint(lo, hi))

    if stage == "applicant":
        applied = before(day, 3, 55)
        talked = applied + timedelta(days=rng.randint(5, 25)) if rng.random() < 0.6 else None
        if talked and talked > day:
            talked = None
        return DevDates(applied_on=applied, talked_on=talked)
    if stage == "activist":
        activist = before(day, 40, 520)
        talked = before(activist, 10, 60)
        return DevDates(applied_on=before(talked, 5, 25), talked_on=talked, activist_on=activist)
    if stage == "candidate":
        candidate = before(day, 10, 160)
        activist = add_months(candidate, -12) - timedelta(days=rng.randint(0, 150))
        talked = before(activist, 10, 60)
        reviewed = candidate + timedelta(days=rng.randint(5, 30)) if rng.random() < 0.6 else None
        if reviewed and reviewed > day:
            reviewed = None
        return DevDates(
            applied_on=before(talked, 5, 25),
            talked_on=talked,
            activist_on=activist,
            candidate_on=candidate,
            reviewed_on=reviewed,
            training_hours=rng.choice((0, 8, 16, 24, 32)),
        )
    probation = before(day, 20, 400)
    if rng.random() < 0.6:  # most of the year's recruits joined this year
        probation = date(day.year, rng.randint(1, max(1, day.month - 1)), rng.randint(1, 28))
    candidate = before(probation, 40, 150)
    activist = add_months(candidate, -12) - timedelta(days=rng.randint(0, 120))
    talked = before(activist, 10, 60)
    return DevDates(
        applied_on=before(talked, 5, 25),
        talked_on=talked,
        activist_on=activist,
        candidate_on=candidate,
        reviewed_on=candidate + timedelta(days=10),
        training_hours=rng.choice((24, 32, 40)),
        probation_on=probation,
    )


def _cn(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n <= 10:
        return "十" if n == 10 else digits[n]
    if n < 20:
        return "十" + digits[n - 10]
    return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
