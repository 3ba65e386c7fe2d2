"""Awards and the ledger: caps, versions, idempotency, corrections — and every refusal
leaves the ledger and the totals as they were (the rule catalogue: test_catalogue_services)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import ProtectedError, RestrictedError

from hongfan.core.access import access_for
from hongfan.core.dates import today
from hongfan.org.choices import PersonStatus, PoliticalStatus
from hongfan.org.models import Person
from hongfan.org.tests.factories import PRIMARY, make_person, other_branch, sec_branch
from hongfan.points.choices import EntryKind, Period, RuleCategory
from hongfan.points.models import PointEntry, PointRule, PointTotal
from hongfan.points.selectors.ledger import points_check
from hongfan.points.services.awarding import points_award
from hongfan.points.services.catalogue import (
    point_rule_revise,
)
from hongfan.points.services.ledger import points_manual, points_reverse
from hongfan.points.tests.conftest import (
    World,
    expected_totals,
    nonzero,
    refused,
    stored_totals,
)

pytestmark = pytest.mark.django_db


def award(w: World, person, rule, day: date, source_id: str = "", **kw: Any):
    return points_award(
        access=kw.pop("access", w.admin),
        person=person,
        rule=rule,
        occurred_on=day,
        source_type=kw.pop("source_type", "test"),
        source_id=source_id,
        **kw,
    )


def total(person, period: str, start: date) -> Decimal:
    """The person's overall points for the period."""
    t = PointTotal.objects.filter(
        person=person, rule=None, period=period, period_start=start
    ).first()
    return t.points if t else Decimal(0)


def cap_used(person, period: str, start: date, rule) -> Decimal:
    """What the rule's caps count for the person in the period; the rule's rollup row keeps
    no points of its own."""
    t = PointTotal.objects.filter(
        person=person, rule=rule, period=period, period_start=start
    ).first()
    if t is not None:
        assert t.points == 0
    return t.earned if t else Decimal(0)


# --- caps ------------------------------------------------------------------------------------


def test_daily_cap_cuts_the_award_then_refuses_it(world):
    rule = world.rule(2, daily_cap=5)
    m, day = world.a[1], date(2025, 5, 6)
    assert award(world, m, rule, day).granted == 2
    assert award(world, m, rule, day).granted == 2

    cut = award(world, m, rule, day)
    assert (cut.requested, cut.granted, cut.capped_by) == (2, 1, Period.DAY)
    assert "上限" in cut.message and "1" in cut.message
    assert cut.entry is not None
    cut.entry.refresh_from_db()
    assert (cut.entry.points, cut.entry.requested) == (1, 2)

    n = PointEntry.objects.count()
    full = award(world, m, rule, day)
    assert (full.granted, full.entry, full.capped_by, full.duplicate) == (
        0,
        None,
        Period.DAY,
        False,
    )
    assert "上限" in full.message and "不计分" in full.message
    assert PointEntry.objects.count() == n
    assert cap_used(m, Period.DAY, day, rule) == 5
    # The next day has its own room.
    assert award(world, m, rule, day + timedelta(days=1)).granted == 2


@pytest.mark.parametrize(
    ("cap", "period", "same_period", "next_period"),
    [
        (
            "monthly_cap",
            Period.MONTH,
            [date(2025, 3, 3), date(2025, 3, 10), date(2025, 3, 20), date(2025, 3, 31)],
            date(2025, 4, 1),
        ),
        (
            "quarterly_cap",
            Period.QUARTER,
            [date(2025, 1, 5), date(2025, 2, 5), date(2025, 3, 31), date(2025, 3, 15)],
            date(2025, 4, 1),
        ),
        (
            "yearly_cap",
            Period.YEAR,
            [date(2025, 1, 5), date(2025, 6, 5), date(2025, 12, 31), date(2025, 11, 11)],
            date(2026, 1, 1),
        ),
    ],
)
def test_monthly_quarterly_and_yearly_caps(world, cap, period, same_period, next_period):
    rule = world.rule(2, **{cap: 5})
    m = world.a[2]
    granted = [award(world, m, rule, d) for d in same_period]
    assert [r.granted for r in granted] == [2, 2, 1, 0]
    assert [r.capped_by for r in granted] == [None, None, period, period]
    assert all("上限" in r.message for r in granted[2:])
    assert granted[3].entry is None
    assert PointEntry.objects.filter(person=m, rule=rule).count() == 3
    nxt = award(world, m, rule, next_period)
    assert (nxt.granted, nxt.capped_by) == (2, None)


def test_the_tightest_cap_is_the_one_reported(world):
    rule = world.rule(2, daily_cap=4, monthly_cap=5)
    m = world.a[1]
    assert award(world, m, rule, date(2025, 8, 1)).granted == 2
    assert award(world, m, rule, date(2025, 8, 2)).granted == 2
    r = award(world, m, rule, date(2025, 8, 3))  # the day has room for 2, the month for 1
    assert (r.granted, r.capped_by) == (1, Period.MONTH)
    assert "每月上限" in r.message


def test_caps_count_only_the_rules_own_points(world):
    capped, other = world.rule(2, daily_cap=2), world.rule(5)
    m, day = world.a[1], date(2025, 9, 9)
    for _ in range(4):
        award(world, m, other, day)
    assert total(m, Period.DAY, day) == 20
    r = award(world, m, capped, day)
    assert (r.granted, r.capped_by) == (2, None)
    # ...and another member's points do not use this member's room.
    assert award(world, world.a[2], capped, day).granted == 2


def test_a_reversal_frees_room_under_the_cap(world):
    rule = world.rule(2, daily_cap=4)
    m, day = world.a[1], date(2025, 10, 10)
    first = award(world, m, rule, day)
    award(world, m, rule, day)
    assert award(world, m, rule, day).granted == 0
    points_reverse(access=world.admin, entry=first.entry, reason="重复登记")
    again = award(world, m, rule, day)
    assert (again.granted, again.capped_by) == (2, None)
    assert cap_used(m, Period.DAY, day, rule) == 4


def test_a_deduction_rule_records_a_deduction(world):
    rule = PointRule.objects.get(hospital=world.hospital, code="DED-ABSENT")
    m, day = world.a[3], date(2025, 11, 4)
    r = award(world, m, rule, day, source_type="absence", source_id="m1")
    assert (r.granted, r.capped_by) == (-3, None)
    assert r.entry.kind == EntryKind.DEDUCTION and r.entry.points == -3
    assert "-3" in r.message
    assert total(m, Period.MONTH, date(2025, 11, 1)) == -3
    assert cap_used(m, Period.YEAR, date(2025, 1, 1), rule) == 3


def test_a_capped_deduction_is_cut_by_its_size(world):
    rule = world.rule(-3, category=RuleCategory.DEDUCTION, monthly_cap=5)
    m = world.a[3]
    assert award(world, m, rule, date(2025, 2, 3)).granted == -3
    r = award(world, m, rule, date(2025, 2, 4))
    assert (r.granted, r.capped_by, r.entry.kind) == (-2, Period.MONTH, EntryKind.DEDUCTION)
    assert award(world, m, rule, date(2025, 2, 5)).granted == 0
    assert total(m, Period.MONTH, date(2025, 2, 1)) == -5


def test_a_quantity_multiplies_the_points_and_is_rounded_like_the_ledger(world):
    hour = world.rule("0.5", daily_cap=8)
    m, day = world.a[1], date(2025, 4, 8)
    r = award(world, m, hour, day, quantity=3)
    assert (r.requested, r.granted) == (Decimal("1.5"), Decimal("1.5"))
    # 0.5 × 1.5 h = 0.75: what the member is told is what the ledger and the totals keep.
    r = award(world, m, hour, day, quantity=Decimal("1.5"))
    r.entry.refresh_from_db()
    assert r.granted == r.entry.points
    assert cap_used(m, Period.DAY, day, hour) == Decimal("1.5") + r.granted
    assert nonzero(expected_totals(world.hospital)) == stored_totals(world.hospital)


# --- versions --------------------------------------------------------------------------------


def test_entries_keep_the_version_in_force_on_their_date(world):
    rule = world.rule(2, daily_cap=4)
    v1 = rule.versions.get()
    v2 = point_rule_revise(
        access=world.admin,
        rule=rule,
        effective_from=date(2025, 7, 1),
        values={"points": Decimal(3), "daily_cap": Decimal(6), "needs_approval": False},
    )
    m = world.a[1]
    before = award(world, m, rule, date(2025, 6, 30))
    after = award(world, m, rule, date(2025, 7, 1))
    assert (before.granted, before.entry.rule_version_id) == (2, v1.pk)
    assert (after.granted, after.entry.rule_version_id) == (3, v2.pk)
    # The new version's cap applies from its date: 3 + 3 = 6 fits, the old cap of 4 would not.
    assert award(world, m, rule, date(2025, 7, 1)).granted == 3
    # A later version changes nothing already earned.
    point_rule_revise(
        access=world.admin, rule=rule, effective_from=date(2025, 9, 1), values={"points": 1}
    )
    before.entry.refresh_from_db()
    after.entry.refresh_from_db()
    assert (before.entry.points, before.entry.rule_version_id) == (2, v1.pk)
    assert (after.entry.points, after.entry.rule_version_id) == (3, v2.pk)


def test_a_deactivated_rule_can_be_revised_back_on(world):
    rule = world.rule(2)
    point_rule_revise(
        access=world.admin,
        rule=rule,
        effective_from=date(2025, 3, 1),
        values={"points": 2},
        active=False,
        name="改名后的规则",
    )
    rule.refresh_from_db()
    assert (rule.active, rule.name) == (False, "改名后的规则")


# --- idempotency -----------------------------------------------------------------------------


def test_the_same_source_pays_once(world):
    rule = world.rule(2)
    m, day = world.a[1], date(2025, 5, 20)
    first = award(world, m, rule, day, source_type="meeting_attendance", source_id="77")
    again = award(world, m, rule, day, source_type="meeting_attendance", source_id="77")
    assert (first.duplicate, again.duplicate) == (False, True)
    assert again.entry.pk == first.entry.pk and again.granted == 2
    assert "未重复计分" in again.message
    assert PointEntry.objects.filter(person=m).count() == 1
    assert total(m, Period.MONTH, date(2025, 5, 1)) == 2
    # Another kind of source with the same number is another event.
    other = award(world, m, rule, day, source_type="study_item", source_id="77")
    assert (other.duplicate, other.granted) == (False, 2)


def test_a_duplicate_source_is_not_paid_even_after_its_entry_is_reversed(world):
    rule = world.rule(2)
    m, day = world.a[1], date(2025, 5, 21)
    first = award(world, m, rule, day, source_id="x")
    points_reverse(access=world.admin, entry=first.entry, reason="误登记")
    assert award(world, m, rule, day, source_id="x").duplicate is True
    assert total(m, Period.DAY, day) == 0


# --- totals equal the ledger -----------------------------------------------------------------


def test_totals_equal_the_ledger_across_quarters_and_years(world):
    praise, meeting = world.rule(3, monthly_cap=7), world.rule(2, daily_cap=4, quarterly_cap=12)
    complaint = PointRule.objects.get(hospital=world.hospital, code="DED-COMPLAINT")
    days = [
        date(2025, 3, 31),
        date(2025, 4, 1),
        date(2025, 6, 30),
        date(2025, 12, 31),
        date(2026, 1, 1),
        date(2026, 3, 31),
        date(2026, 4, 1),
        today(),
    ]
    entries = []
    for i, day in enumerate(days):
        for m in (world.a[1], world.a[2], world.b[0]):
            for rule in (praise, meeting, meeting, praise, meeting):
                r = award(world, m, rule, day)
                if r.entry:
                    entries.append(r.entry)
            if i % 3 == 0:
                entries.append(award(world, m, complaint, day, source_id=f"c{i}{m.pk}").entry)
        points_manual(
            access=world.admin, person=world.b[1], rule=praise, occurred_on=day, reason="表彰"
        )
    for e in entries[::4]:
        points_reverse(access=world.admin, entry=e, reason="核查后更正")
    assert points_check(hospital=world.hospital) == []
    assert nonzero(expected_totals(world.hospital)) == stored_totals(world.hospital)
    # The quarter caps of the meeting rule hold in each quarter despite the many awards.
    earned = PointTotal.objects.filter(rule=meeting, period=Period.QUARTER)
    assert earned.exists() and all(t.earned <= 12 for t in earned)


def test_points_check_reports_a_total_that_differs_from_the_ledger(world):
    rule = world.rule(2)
    m = world.a[1]
    award(world, m, rule, date(2025, 5, 5))
    PointTotal.objects.filter(person=m, rule__isnull=True, period=Period.QUARTER).update(points=5)
    # a rule's rows keep no points: any is a difference
    PointTotal.objects.filter(person=m, rule=rule, period=Period.DAY).update(points=9)
    PointTotal.objects.filter(person=m, rule=rule, period=Period.MONTH).update(earned=0)
    problems = points_check(hospital=world.hospital)
    assert {(p.period, p.ledger, p.total) for p in problems} >= {
        (Period.QUARTER, 2, 5),
        (Period.DAY, 0, 9),
    }
    assert any("2025年第2季度" in str(p) and "流水合计2" in str(p) for p in problems)
    capped = [p for p in problems if p.field == "earned"]
    assert [(p.rule_id, p.period, p.ledger, p.total) for p in capped] == [
        (rule.pk, Period.MONTH, 2, 0)
    ]
    assert "计入上限" in str(capped[0])


# --- refused awards --------------------------------------------------------------------------


def test_an_award_to_a_non_member_is_refused(world):
    rule = world.rule(2)
    masses = make_person(world.hospital, branch=world.branch_a)
    refused(lambda: award(world, masses, rule, date(2025, 5, 5)), says="不是在册党员")


def test_an_award_to_a_member_who_left_is_refused(world):
    rule = world.rule(2)
    m = world.a[4]
    m.status, m.left_on, m.left_reason = PersonStatus.LEFT, date(2025, 1, 31), "调离"
    m.save()
    refused(lambda: award(world, m, rule, date(2025, 5, 5)), says="不是在册党员")


def test_a_secretary_cannot_award_another_branchs_member(world):
    rule = world.rule(2)
    refused(
        lambda: award(world, world.b[0], rule, date(2025, 5, 5), access=world.sec_a),
        exc=PermissionDenied,
        says="本支部",
    )
    # Their own branch: fine.
    assert award(world, world.a[1], rule, date(2025, 5, 5), access=world.sec_a).granted == 2


def test_demo_roles_outside_the_members_scope_cannot_award(users, demo_rules):
    rule = demo_rules[PRIMARY]["ORG-MEETING"]
    member = users["member"].person
    stranger = (
        other_branch().people.filter(political_status=PoliticalStatus.MEMBER, status="active")
    ).first()
    assert member.branch_id == sec_branch().pk and stranger is not None
    day = date(2025, 6, 6)
    for username, person in [
        ("hosp2", member),  # another hospital's admin
        ("sec", stranger),  # the secretary of another branch
        ("member", member),  # a member cannot award themself
        ("city", member),  # the city supervises; the hospital awards
        ("audit", member),
        ("sysadmin", member),
    ]:
        refused(
            lambda u=username, p=person: points_award(
                access=access_for(users[u]),
                person=p,
                rule=rule,
                occurred_on=day,
                source_type="test",
            ),
            exc=PermissionDenied,
        )
    assert (
        points_award(
            access=access_for(users["sec"]),
            person=member,
            rule=rule,
            occurred_on=day,
            source_type="test",
        ).granted
        == 2
    )


def test_an_award_under_another_hospitals_rule_is_refused(world, demo_rules):
    foreign = demo_rules[PRIMARY]["ORG-MEETING"]
    refused(lambda: award(world, world.a[1], foreign, date(2025, 5, 5)), says="不属于")
    city_rule = foreign.copied_from
    assert city_rule is not None and city_rule.hospital_id is None
    refused(lambda: award(world, world.a[1], city_rule, date(2025, 5, 5)), says="不属于")


def test_an_award_under_an_inactive_rule_is_refused(world):
    rule = world.rule(2)
    PointRule.objects.filter(pk=rule.pk).update(active=False)
    rule.refresh_from_db()
    refused(lambda: award(world, world.a[1], rule, date(2025, 5, 5)), says="已停用")


def test_an_award_dated_in_the_future_is_refused(world):
    rule = world.rule(2)
    refused(
        lambda: award(world, world.a[1], rule, today() + timedelta(days=1)), says="不能晚于今天"
    )


def test_an_award_dated_before_the_rule_existed_is_refused(world):
    rule = world.rule(2, effective_from=date(2025, 3, 1))
    refused(lambda: award(world, world.a[1], rule, date(2025, 2, 28)), says="尚未生效")
    assert award(world, world.a[1], rule, date(2025, 3, 1)).granted == 2


@pytest.mark.parametrize("quantity", [0, -1, Decimal("-0.5")])
def test_an_award_of_no_or_negative_quantity_is_refused(world, quantity):
    rule = world.rule(2)
    refused(
        lambda: award(world, world.a[1], rule, date(2025, 5, 5), quantity=quantity),
        says="数量必须大于0",
    )


def test_a_quantity_worth_less_than_a_tenth_of_a_point_is_refused(world):
    rule = world.rule("0.5")
    refused(
        lambda: award(world, world.a[1], rule, date(2025, 5, 5), quantity=Decimal("0.05")),
        says="折合积分为0",
    )


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_manual_award_needs_a_reason(world, reason):
    rule = world.rule(2)
    refused(
        lambda: points_manual(
            access=world.admin,
            person=world.a[1],
            rule=rule,
            occurred_on=date(2025, 5, 5),
            reason=reason,
        ),
        says="事由",
    )


def test_a_manual_award_records_the_reason_and_the_actor(world):
    rule = world.rule(2)
    r = points_manual(
        access=world.sec_a,
        person=world.a[1],
        rule=rule,
        occurred_on=date(2025, 5, 5),
        reason="  抗疫志愿  ",
    )
    assert (r.entry.reason, r.entry.actor_id, r.entry.source_type) == (
        "抗疫志愿",
        world.sec_a.user_id,
        "manual",
    )


# --- corrections -----------------------------------------------------------------------------


def test_a_reversal_points_to_the_entry_and_cancels_it(world):
    rule = world.rule(4)
    m, day = world.a[1], date(2025, 12, 31)
    entry = award(world, m, rule, day).entry
    rev = points_reverse(access=world.sec_a, entry=entry, reason="  重复登记 ")
    assert (rev.kind, rev.points, rev.reverses_id, rev.actor_id) == (
        EntryKind.REVERSAL,
        -4,
        entry.pk,
        world.sec_a.user_id,
    )
    assert rev.reason == "冲正：重复登记" and rev.occurred_on == day
    for period in (Period.DAY, Period.MONTH, Period.QUARTER, Period.YEAR):
        assert total(m, period, day) == 0
    assert points_check(hospital=world.hospital) == []


def test_a_reversal_cannot_be_reversed(world):
    rule = world.rule(2)
    entry = award(world, world.a[1], rule, date(2025, 5, 5)).entry
    rev = points_reverse(access=world.admin, entry=entry, reason="误登记")
    refused(lambda: points_reverse(access=world.admin, entry=rev, reason="再冲"), says="不能再冲正")


def test_an_entry_cannot_be_reversed_twice(world):
    rule = world.rule(2)
    entry = award(world, world.a[1], rule, date(2025, 5, 5)).entry
    points_reverse(access=world.admin, entry=entry, reason="误登记")
    refused(lambda: points_reverse(access=world.admin, entry=entry, reason="再冲"), says="已冲正")


def test_a_reversal_needs_a_reason_and_the_scope(world):
    rule = world.rule(2)
    entry = award(world, world.b[0], rule, date(2025, 5, 5)).entry
    refused(lambda: points_reverse(access=world.admin, entry=entry, reason=" "), says="冲正原因")
    refused(
        lambda: points_reverse(access=world.sec_a, entry=entry, reason="越权"),
        exc=PermissionDenied,
    )


# --- the ledger is append-only ---------------------------------------------------------------


def test_a_ledger_entry_cannot_be_changed_or_deleted(world):
    rule = world.rule(2)
    entry = award(world, world.a[1], rule, date(2025, 5, 5)).entry
    entry.points = Decimal(100)
    with pytest.raises(PermissionError, match="只能追加"):
        entry.save()
    with pytest.raises(PermissionError, match="只能追加"):
        entry.delete()
    entry.refresh_from_db()
    assert entry.points == 2
    # Nor can its rule or version go away while the ledger points at them.
    with pytest.raises((ProtectedError, RestrictedError)):
        rule.delete()
    with pytest.raises((ProtectedError, RestrictedError)):
        rule.versions.get().delete()
    assert PointEntry.objects.filter(pk=entry.pk).exists()


def test_a_person_or_hospital_can_still_be_deleted_whole_with_its_ledger(world):
    """``builddemo --fresh`` deletes whole hospitals: their ledger goes with them, reversals
    and all (a rule alone cannot go while entries point at it, see above)."""
    rule = world.rule(2)
    entry = award(world, world.a[1], rule, date(2025, 5, 5)).entry
    points_reverse(access=world.admin, entry=entry, reason="误登记")
    world.a[1].delete()  # a person with a reversed entry
    assert not PointEntry.objects.filter(person_id=entry.person_id).exists()

    entry = award(world, world.a[2], rule, date(2025, 5, 5)).entry
    points_reverse(access=world.admin, entry=entry, reason="误登记")
    # (Active members must keep a branch, which deleting the hospital's branches would break:
    # an org matter, out of the way here.)
    Person.objects.filter(hospital=world.hospital).update(status=PersonStatus.LEFT)
    pk = world.hospital.pk
    world.hospital.delete()
    assert not PointEntry.objects.filter(hospital_id=pk).exists()
    assert not PointTotal.objects.filter(hospital_id=pk).exists()
    assert not PointRule.objects.filter(hospital_id=pk).exists()
