"""季度之星: eligibility and quotas, attendance read from the meetings' records, the public
notice on working days, confirmation, the Word announcement, the pages — and every refusal
changes nothing."""

from __future__ import annotations

import io
import secrets
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from unittest.mock import patch
from urllib.parse import quote

import docx
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from hongfan.core.access import Access, access_for
from hongfan.core.dates import today
from hongfan.core.exports import DOCX_CONTENT_TYPE
from hongfan.core.models import AuditEvent
from hongfan.org.choices import PersonStatus, PoliticalStatus
from hongfan.org.models import Person
from hongfan.org.tests.factories import make_person, primary
from hongfan.orglife.choices import AttendanceStatus, MeetingKind, MeetingStatus
from hongfan.orglife.models import Attendance, Meeting
from hongfan.points import periods
from hongfan.points.models import PointEntry, PointRule
from hongfan.points.services.awarding import points_award
from hongfan.points.services.ledger import points_reverse
from hongfan.points.tests.conftest import World
from hongfan.recognition.documents import stars as star_documents
from hongfan.recognition.models import (
    QuarterStar,
    QuotaMode,
    StarSelection,
    StarStatus,
    StarTieChoice,
)
from hongfan.recognition.selectors import stars as star_selectors
from hongfan.recognition.services import stars as star_services
from hongfan.recognition.views import stars as star_views
from hongfan.workdays.selectors import add_workdays

pytestmark = pytest.mark.django_db

YEAR, QUARTER = 2026, 3  # 2026-07-01 .. 2026-09-30
IN_Q = date(2026, 8, 10)
_sources = iter(range(1, 10**6))

OPEN = {"min_points": 0, "min_attendance_share": 0, "exclude_complaints": False}


# --- builders --------------------------------------------------------------------------------


def award(w: World, person: Person, rule: PointRule, day: date = IN_Q, qty: Any = 1) -> Any:
    return points_award(
        access=w.admin,
        person=person,
        rule=rule,
        occurred_on=day,
        source_type="test",
        source_id=str(next(_sources)),
        quantity=Decimal(str(qty)),
    )


def code(w: World, c: str) -> PointRule:
    return PointRule.objects.get(hospital=w.hospital, code=c)


@pytest.fixture
def give(world: World) -> Callable[..., None]:
    """give(person, points, day): plain points under an uncapped rule of the test hospital."""
    plain = world.rule(1)

    def _give(person: Person, points: Any, day: date = IN_Q) -> None:
        award(world, person, plain, day, qty=points)

    return _give


def meeting(
    w: World,
    person: Person,
    day: date,
    attendance: str = AttendanceStatus.PRESENT,
    *,
    status: str = MeetingStatus.HELD,
    kind: str = MeetingKind.GENERAL,
    at: time = time(14, 30),
) -> Attendance:
    """A meeting of the person's branch on ``day`` with the person on its roster, marked
    ``attendance`` (written straight to orglife's tables, as closing the meeting leaves
    them)."""
    starts = datetime.combine(day, at, tzinfo=timezone.get_current_timezone())
    m = Meeting.objects.create(
        hospital=w.hospital,
        branch=person.branch,
        kind=kind,
        status=status,
        topic="测试会议",
        starts_at=starts,
        ends_at=starts + timedelta(minutes=50),
        checkin_token=secrets.token_urlsafe(32),
        checkin_opens_at=starts - timedelta(minutes=30),
        checkin_closes_at=starts + timedelta(minutes=80),
    )
    return Attendance.objects.create(meeting=m, person=person, status=attendance)


def meetings(w: World, person: Person, n: int) -> None:
    """n meetings held and attended, each earning its points as closing it does."""
    for i in range(n):  # one a day: the rule caps at two meetings a day
        day = date(2026, 7, 6) + timedelta(days=i)
        meeting(w, person, day)
        award(w, person, code(w, "ORG-MEETING"), day)


def absences(w: World, person: Person, n: int) -> None:
    """n meetings held and missed without leave, each costing its points."""
    for i in range(n):
        day = date(2026, 8, 3) + timedelta(days=i)
        meeting(w, person, day, AttendanceStatus.ABSENT)
        award(w, person, code(w, "DED-ABSENT"), day)


def complaint(w: World, person: Person, day: date = IN_Q) -> PointEntry:
    result = award(w, person, code(w, "DED-COMPLAINT"), day)
    assert result.entry is not None
    return result.entry


def create(w: World, access: Access | None = None, **rules: Any) -> StarSelection:
    values: dict[str, Any] = {
        "quota_mode": QuotaMode.HOSPITAL_TOTAL,
        "quota": 20,
        "min_points": 10,
        "min_attendance_share": Decimal("0.8"),
        "exclude_complaints": True,
        "notice_workdays": 5,
        "year": YEAR,
        "quarter": QUARTER,
    }
    values.update(rules)
    return star_services.star_selection_create(
        access=access or w.admin, hospital=w.hospital, **values
    )


def by_person(ev: star_selectors.StarEvaluation) -> dict[int, star_selectors.Candidate]:
    return {c.person_id: c for c in ev.candidates}


def state() -> tuple[Any, ...]:
    """What a refused star write must leave unchanged."""
    return (
        list(StarSelection.objects.order_by("pk").values()),
        list(QuarterStar.objects.order_by("pk").values()),
        list(StarTieChoice.objects.order_by("pk").values()),
    )


def refused(
    call: Callable[[], Any], *, says: str = "", exc: type[Exception] = ValidationError
) -> str:
    before = state()
    with pytest.raises(exc) as info:
        call()
    err = info.value
    message = " ".join(err.messages) if isinstance(err, ValidationError) else str(err)
    assert says in message, message
    assert state() == before
    return message


@pytest.fixture
def scenario(world: World, give: Callable[..., None]) -> World:
    """Each member of the test hospital fails (or passes) one rule, at min 10 points, 80%
    attendance and no complaints."""
    a, b = world.a, world.b
    give(a[0], 40)
    meetings(world, a[0], 2)  # 44, attended 2 of 2
    give(a[1], 50)
    complaint(world, a[1])  # 45, a verified complaint
    give(a[2], 6)  # too few points
    give(a[3], 40)
    meetings(world, a[3], 1)
    absences(world, a[3], 1)  # 39, attended 1 of 2
    # a[4] (probationary): nothing this quarter
    give(b[0], 30)  # no meetings recorded: counts as 100%
    give(b[1], 35)
    points_reverse(access=world.admin, entry=complaint(world, b[1]), reason="核实有误")
    give(b[2], 25)
    complaint(world, b[2], date(2026, 6, 15))  # last quarter's complaint
    return world


# --- eligibility -----------------------------------------------------------------------------


def test_each_rule_excludes_the_right_member_with_the_reason(scenario):
    w = scenario
    ev = star_selectors.star_evaluate(w.admin, create(w))
    c = by_person(ev)
    a, b = w.a, w.b

    assert c[a[0].pk].eligible and (c[a[0].pk].attended, c[a[0].pk].absent) == (2, 0)
    assert c[a[1].pk].reasons == ["本季度有经核实的投诉（1次）"]
    assert c[a[2].pk].reasons == ["积分不足（6分，须不低于10分）"]
    assert c[a[3].pk].reasons == ["出勤率不足（50%，须不低于80%）"]
    assert c[a[4].pk].reason_text.startswith("积分不足（0分")
    for ok in (b[0], b[1], b[2]):
        assert c[ok.pk].eligible, (ok, c[ok.pk].reasons)
    assert c[b[0].pk].share == 1 and c[b[0].pk].share_label == "—"
    assert c[b[1].pk].complaints == 0  # reversed: no longer counts
    assert c[b[2].pk].points == 25  # the June complaint is another quarter's

    assert [x.person_id for x in ev.selected] == [a[0].pk, b[1].pk, b[0].pk, b[2].pk]
    assert [x.person_id for x in ev.near_misses] == [a[1].pk, a[3].pk, a[2].pk, a[4].pk]


def test_complaints_count_only_when_the_rule_says_so(scenario):
    w = scenario
    ev = star_selectors.star_evaluate(w.admin, create(w, exclude_complaints=False))
    assert by_person(ev)[w.a[1].pk].eligible


def test_only_active_members_of_the_hospital_are_candidates(scenario):
    w = scenario
    masses = make_person(w.hospital, branch=w.branch_b, political_status=PoliticalStatus.MASSES)
    left = make_person(
        w.hospital,
        branch=w.branch_b,
        political_status=PoliticalStatus.MEMBER,
        status=PersonStatus.LEFT,
    )
    ev = star_selectors.star_evaluate(w.admin, create(w))
    ids = set(by_person(ev))
    assert masses.pk not in ids and left.pk not in ids
    assert ids == {p.pk for p in w.a + w.b}


def test_a_member_with_no_points_is_never_a_star_even_at_min_zero(world, give):
    give(world.a[0], 3)
    ev = star_selectors.star_evaluate(world.admin, create(world, **OPEN))
    c = by_person(ev)
    assert [x.person_id for x in ev.selected] == [world.a[0].pk]
    assert c[world.b[0].pk].reasons == ["积分不足（0分，须高于0分）"]


def test_the_evaluation_is_for_the_hospitals_readers_only(scenario, users):
    sel = create(scenario)
    with pytest.raises(PermissionDenied):
        star_selectors.star_evaluate(scenario.sec_a, sel)
    star_selectors.star_evaluate(access_for(users["city"]), sel)


# --- attendance, from the meetings' records --------------------------------------------------


def test_attendance_is_read_from_the_meetings_attendance_records(world, give):
    """Below the threshold is out, at or above it is in; leave counts neither way; planned,
    cancelled, talks and other quarters' meetings do not count; nor do ledger entries."""
    w = world
    low, high, on_leave, uncounted, ledger_only = w.a[0], w.a[1], w.a[2], w.a[3], w.b[0]
    for person in (low, high, on_leave, uncounted, ledger_only):
        give(person, 20)
    present, absent, leave = (
        AttendanceStatus.PRESENT,
        AttendanceStatus.ABSENT,
        AttendanceStatus.LEAVE,
    )
    # low: present at 1 of 4 held meetings (25%)
    meeting(w, low, date(2026, 7, 7))
    for day in (8, 9, 10):
        meeting(w, low, date(2026, 7, day), absent)
    # high: present at 4 of 5 (80%): the threshold itself is enough
    for day in (7, 8, 9, 10):
        meeting(w, high, date(2026, 7, day))
    meeting(w, high, date(2026, 7, 13), absent)
    # on leave: present at 2, on leave for 3: 100%
    for day, status in ((7, present), (8, present), (9, leave), (10, leave), (13, leave)):
        meeting(w, on_leave, date(2026, 7, day), status)
    # uncounted: 1 of 2 at held meetings (50%); the rest would lift them to 80% if it counted
    meeting(w, uncounted, date(2026, 7, 1), at=time(0, 30))  # just inside the quarter
    meeting(w, uncounted, date(2026, 9, 30), absent, at=time(23, 30))
    meeting(w, uncounted, date(2026, 7, 8), status=MeetingStatus.CANCELLED)
    meeting(w, uncounted, date(2026, 9, 28), status=MeetingStatus.PLANNED)
    meeting(w, uncounted, date(2026, 7, 9), kind=MeetingKind.TALK)
    meeting(w, uncounted, date(2026, 6, 30), at=time(23, 30))  # the quarter before
    meeting(w, uncounted, date(2026, 10, 1), absent, at=time(0, 30))  # the quarter after
    # ledger only: deductions for absence in the ledger, no roster row: no record, 100%
    award(w, ledger_only, code(w, "DED-ABSENT"), date(2026, 8, 3))

    sel = create(w, min_points=10, min_attendance_share=Decimal("0.8"), exclude_complaints=False)
    ev = star_selectors.star_evaluate(w.admin, sel)
    c = by_person(ev)
    assert c[low.pk].reasons == ["出勤率不足（25%，须不低于80%）"] and not c[low.pk].selected
    assert (c[high.pk].attended, c[high.pk].absent, c[high.pk].share_label) == (4, 1, "80%")
    assert c[high.pk].eligible and c[high.pk].selected
    assert (c[on_leave.pk].attended, c[on_leave.pk].absent) == (2, 0)
    assert c[on_leave.pk].eligible and c[on_leave.pk].share == 1
    assert (c[uncounted.pk].attended, c[uncounted.pk].absent) == (1, 1)
    assert c[uncounted.pk].reasons == ["出勤率不足（50%，须不低于80%）"]
    assert (c[ledger_only.pk].attended, c[ledger_only.pk].absent) == (0, 0)
    assert c[ledger_only.pk].eligible and c[ledger_only.pk].share_label == "—"

    drawn = star_services.star_selection_draft(access=w.admin, selection=sel)
    listed = {s.person_id for s in drawn}
    assert high.pk in listed and on_leave.pk in listed and ledger_only.pk in listed
    assert low.pk not in listed and uncounted.pk not in listed


def test_another_hospitals_meetings_do_not_count(world, give):
    w = world
    give(w.a[0], 20)
    meeting(w, w.a[0], date(2026, 7, 7), AttendanceStatus.ABSENT)
    Meeting.objects.filter(attendance__person=w.a[0]).update(hospital=primary())
    ev = star_selectors.star_evaluate(w.admin, create(w, exclude_complaints=False))
    assert by_person(ev)[w.a[0].pk].eligible


# --- the rules a new selection starts from ---------------------------------------------------


def test_the_new_selection_form_offers_the_models_defaults(world, client_for):
    client = _client_as(world.admin, client_for)
    r = client.get(f"{reverse('recognition:star_new')}?hospital={world.hospital.pk}")
    assert r.status_code == 200
    form, blank = r.context["form"], StarSelection()
    for key in star_views.RULE_KEYS:
        assert form[key].value() == getattr(blank, key), key
    # What the page offered before the defaults became one: 10 points, 80% attendance.
    assert (blank.min_points, blank.min_attendance_share) == (Decimal("10"), Decimal("0.80"))
    assert (blank.quota_mode, blank.quota, blank.notice_workdays) == (
        QuotaMode.HOSPITAL_TOTAL,
        9,
        5,
    )
    assert blank.exclude_complaints
    html = r.content.decode()
    assert 'name="min_points" value="10"' in html
    assert 'name="min_attendance_share" value="0.80"' in html


def test_a_selection_made_without_rules_holds_the_models_defaults(world):
    sel = star_services.star_selection_create(
        access=world.admin, hospital=world.hospital, year=YEAR, quarter=QUARTER
    )
    sel.refresh_from_db()
    blank = StarSelection()
    for key in star_views.RULE_KEYS:
        assert getattr(sel, key) == getattr(blank, key), key


# --- the sections of org's person and hospital pages -----------------------------------------


def test_the_person_and_hospital_pages_show_the_stars_as_before(confirmed, client_for):
    w, sel = confirmed
    client = _client_as(w.admin, client_for)
    star = QuarterStar.objects.filter(selection=sel).order_by("rank", "pk").first()
    assert star is not None
    person = star.person
    page = client.get(reverse("org:person", args=[person.pk]) + "?tab=stars").content.decode()
    section = render_to_string(
        "recognition/partials/_stars.html",
        {"stars": star_selectors.person_stars(w.admin, person)},
    )
    assert "2026年第3季度之星" in section and section.strip() in page
    with patch("hongfan.recognition.selectors.stars.today", return_value=date(2026, 12, 1)):
        page = client.get(reverse("org:hospital", args=[w.hospital.pk])).content.decode()
        section = render_to_string(
            "recognition/partials/_stars.html",
            {
                "stars": star_selectors.hospital_stars(w.admin, w.hospital),
                "show_person": True,
                "show_empty": True,
                "hospital": w.hospital,
            },
        )
    assert person.name in section and "评选记录" in section
    assert section.strip() in page


# --- quotas and ties -------------------------------------------------------------------------


@pytest.fixture
def ranked(world: World, give: Callable[..., None]) -> World:
    a, b = world.a, world.b
    for person, pts in zip(
        [a[0], a[1], a[2], a[3], b[0], b[1], b[2]], [50, 40, 40, 30, 45, 20, 10], strict=True
    ):
        give(person, pts)
    return world


def pick(w: World, sel: StarSelection, *people: Person) -> list[QuarterStar]:
    return star_services.star_selection_break_tie(
        access=w.admin, selection=sel, person_ids=[p.pk for p in people]
    )


def test_hospital_total_quota_takes_the_top_k_and_shows_a_tie_at_its_edge(ranked):
    w = ranked
    a, b = w.a, w.b
    sel = create(w, quota=3, **OPEN)
    ev = star_selectors.star_evaluate(w.admin, sel)
    # a[1] and a[2] tie on 40 for the last place: neither is listed by the system
    assert [c.person_id for c in ev.selected] == [a[0].pk, b[0].pk]
    c = by_person(ev)
    assert c[a[1].pk].tied and c[a[2].pk].tied and c[a[1].pk].note == "同分待定"
    assert c[a[3].pk].note == "名额已满" and not c[a[3].pk].tied
    assert [c[p.pk].rank for p in (a[0], b[0], a[1], a[2], a[3])] == [1, 2, 3, 3, 5]
    [tie] = ev.open_ties
    assert (tie.where, tie.points, tie.places) == ("全院", 40, 1)
    assert [x.person_id for x in tie.candidates] == [a[1].pk, a[2].pk]
    assert len(ev.notes) == 1 and "同为40分" in ev.notes[0] and "人员编号" not in ev.notes[0]

    drawn = star_services.star_selection_draft(access=w.admin, selection=sel)
    assert [(s.person_id, s.points, s.rank) for s in drawn] == [(a[0].pk, 50, 1), (b[0].pk, 45, 2)]


def test_the_admin_picks_among_the_tied_and_the_pick_is_recorded_and_audited(ranked):
    w = ranked
    a, b = w.a, w.b
    sel = create(w, quota=3, **OPEN)
    star_services.star_selection_draft(access=w.admin, selection=sel)
    drawn = pick(w, sel, a[2])  # the later id: the admin's choice, not the id's
    assert [(s.person_id, s.rank) for s in drawn] == [(a[0].pk, 1), (b[0].pk, 2), (a[2].pk, 3)]
    choice = StarTieChoice.objects.get(selection=sel)
    assert choice.person == a[2] and choice.chosen_by_id == w.admin.user_id
    ev = star_selectors.star_evaluate(w.admin, sel)
    assert not ev.open_ties and ev.ties[0].decided
    assert by_person(ev)[a[1].pk].note == "同分未选定"
    event = AuditEvent.objects.filter(
        target_type="recognition.starselection", target_id=str(sel.pk), detail__step="tie"
    ).get()
    assert event.detail["chosen"] == a[2].name
    assert event.detail["tied"] == f"{a[1].name}、{a[2].name}"
    # the admin may change their mind before publishing
    pick(w, sel, a[1])
    assert set(QuarterStar.objects.filter(selection=sel).values_list("person_id", flat=True)) == {
        a[0].pk,
        b[0].pk,
        a[1].pk,
    }
    # drawing again keeps the pick
    star_services.star_selection_draft(access=w.admin, selection=sel)
    assert QuarterStar.objects.filter(selection=sel, person=a[1]).exists()


def test_a_list_with_an_undecided_tie_is_not_published(ranked):
    w = ranked
    sel = create(w, quota=3, **OPEN)
    star_services.star_selection_draft(access=w.admin, selection=sel)
    refused(
        lambda: star_services.star_selection_publish(
            access=w.admin, selection=sel, start=date(2026, 11, 2)
        ),
        says="全院最后1个名额有2人同为40分，尚未选定",
    )
    pick(w, sel, w.a[1])
    star_services.star_selection_publish(access=w.admin, selection=sel, start=date(2026, 11, 2))
    assert StarSelection.objects.get(pk=sel.pk).status == StarStatus.NOTICE


@pytest.mark.parametrize(
    "who,says",
    [
        (lambda w: [], "请勾选入选的同分人员"),
        (lambda w: [w.a[1], w.a[2]], "余1个名额，请选定1人（已选2人）"),
        (lambda w: [w.a[0]], "不在同分待定的名单中"),
        (lambda w: [w.a[1], w.a[3]], "不在同分待定的名单中"),
    ],
)
def test_a_wrong_pick_among_the_tied_is_refused_and_changes_nothing(ranked, who, says):
    w = ranked
    sel = create(w, quota=3, **OPEN)
    star_services.star_selection_draft(access=w.admin, selection=sel)
    refused(lambda: pick(w, sel, *who(w)), says=says)
    refused(
        lambda: star_services.star_selection_break_tie(
            access=w.sec_a, selection=sel, person_ids=[w.a[1].pk]
        ),
        exc=PermissionDenied,
    )


def test_the_admin_picks_among_the_tied_on_the_page(ranked, client_for):
    w = ranked
    sel = create(w, quota=3, **OPEN)
    star_services.star_selection_draft(access=w.admin, selection=sel)
    client = _client_as(w.admin, client_for)
    url = reverse("recognition:star_detail", args=[sel.pk])
    html = client.get(url).content.decode()
    assert "同分待定：全院最后1个名额" in html and 'name="person"' in html
    assert "有同分待定的名额" in html
    assert "人员编号" not in html  # the rules no longer say ties go by id
    tie = reverse("recognition:star_tie", args=[sel.pk])
    r = client.post(tie, {"person": ["x", "99999999999999999999999"]}, follow=True)
    assert "请勾选入选的同分人员" in r.content.decode()
    r = client.post(tie, {"person": [str(w.a[2].pk)]}, follow=True)
    html = r.content.decode()
    assert "已选定同分人员" in html and "同分已选定" in html
    assert QuarterStar.objects.filter(selection=sel, person=w.a[2]).exists()


def test_per_branch_quota_takes_the_top_k_of_each_branch(ranked):
    w = ranked
    a, b = w.a, w.b
    sel = create(w, quota_mode=QuotaMode.PER_BRANCH, quota=2, **OPEN)
    ev = star_selectors.star_evaluate(w.admin, sel)
    # a[1] and a[2] tie at branch a's edge: the admin picks
    assert [c.person_id for c in ev.selected] == [a[0].pk, b[0].pk, b[1].pk]
    assert by_person(ev)[a[3].pk].note == "本支部名额已满"
    assert [t.where for t in ev.open_ties] == [w.branch_a.name]
    assert any(w.branch_a.name in n for n in ev.notes)
    pick(w, sel, a[2])
    ev = star_selectors.star_evaluate(w.admin, sel)
    assert [c.person_id for c in ev.selected] == [a[0].pk, b[0].pk, a[2].pk, b[1].pk]


def test_drafting_again_replaces_the_list(ranked):
    w = ranked
    sel = create(w, quota=2, **OPEN)
    star_services.star_selection_draft(access=w.admin, selection=sel)
    star_services.star_selection_revise(
        access=w.admin,
        selection=sel,
        quota_mode=QuotaMode.HOSPITAL_TOTAL,
        quota=4,
        min_points=Decimal(0),
        min_attendance_share=Decimal(0),
        exclude_complaints=False,
        notice_workdays=5,
    )
    assert sel.quota == 4
    assert QuarterStar.objects.filter(selection=sel).count() == 4
    star_services.star_selection_draft(access=w.admin, selection=sel)
    assert QuarterStar.objects.filter(selection=sel).count() == 4


def test_admin_removes_one_person_from_a_draft_with_a_reason(ranked):
    w = ranked
    sel = create(w, quota=4, **OPEN)
    star_services.star_selection_draft(access=w.admin, selection=sel)
    refused(
        lambda: star_services.star_selection_remove(
            access=w.admin, selection=sel, person=w.a[0], reason="  "
        ),
        says="请填写移出名单的原因",
    )
    refused(
        lambda: star_services.star_selection_remove(
            access=w.admin, selection=sel, person=w.b[2], reason="重复"
        ),
        says="不在草拟名单中",
    )
    refused(
        lambda: star_services.star_selection_remove(
            access=w.sec_a, selection=sel, person=w.a[0], reason="不当"
        ),
        exc=PermissionDenied,
    )
    star_services.star_selection_remove(
        access=w.admin, selection=sel, person=w.a[0], reason="群众反映"
    )
    assert list(QuarterStar.objects.filter(selection=sel).values_list("person_id", flat=True)) == [
        w.b[0].pk,
        w.a[1].pk,
        w.a[2].pk,
    ]
    event = AuditEvent.objects.filter(
        target_type="recognition.starselection", target_id=str(sel.pk), detail__step="remove"
    ).get()
    assert event.detail["reason"] == "群众反映" and event.detail["person_id"] == w.a[0].pk


# --- bad input -------------------------------------------------------------------------------


def _next_quarter() -> tuple[int, int]:
    day = today()
    q = (day.month - 1) // 3 + 1
    return (day.year + 1, 1) if q == 4 else (day.year, q + 1)


def test_last_finished_quarter():
    assert periods.last_finished_quarter(date(2026, 11, 25)) == (2026, 3)
    assert periods.last_finished_quarter(date(2027, 1, 1)) == (2026, 4)
    assert periods.last_finished_quarter(date(2026, 4, 1)) == (2026, 1)


@pytest.mark.parametrize(
    ("rules", "says"),
    [
        ({"quota": 0}, "名额至少为1"),
        ({"min_attendance_share": Decimal("1.5")}, "出勤率下限应在0到1之间"),
        ({"min_attendance_share": Decimal("-0.1")}, "出勤率下限应在0到1之间"),
        ({"min_points": Decimal("-1")}, "最低季度积分不能为负数"),
        ({"notice_workdays": 0}, "公示期至少1个工作日"),
        ({"quota_mode": "everyone"}, "名额方式"),
        ({"quarter": 5}, "季度应为1—4"),
        ({"year": 1999}, "年度应在"),
    ],
)
def test_bad_rules_are_refused_with_a_message_and_no_change(world, rules, says):
    refused(lambda: create(world, **rules), says=says)


def test_a_quarter_that_has_not_started_is_refused(world):
    year, quarter = _next_quarter()
    msg = refused(lambda: create(world, year=year, quarter=quarter), says="尚未开始")
    assert f"{year}年第" in msg


def test_a_second_selection_for_the_same_quarter_is_refused(world):
    create(world)
    refused(lambda: create(world, quota=3), says="已有季度之星评选")


def test_only_the_hospitals_admin_creates_a_selection(world, users):
    for access in (world.sec_a, access_for(users["city"]), access_for(users["hosp"])):
        refused(lambda access=access: create(world, access=access), exc=PermissionDenied)


# --- the public notice on working days -------------------------------------------------------


@pytest.fixture
def drafted(ranked: World) -> tuple[World, StarSelection]:
    sel = create(ranked, quota=3, **OPEN)
    star_services.star_selection_draft(access=ranked.admin, selection=sel)
    pick(ranked, sel, ranked.a[1])  # a[1] and a[2] tie on 40 for the last place
    return ranked, sel


def test_publish_counts_working_days_across_a_weekend(drafted):
    w, sel = drafted
    thursday = date(2026, 11, 19)
    star_services.star_selection_publish(access=w.admin, selection=sel, start=thursday)
    sel.refresh_from_db()
    assert sel.status == StarStatus.NOTICE
    assert sel.notice_start == thursday
    # Fri 20, Mon 23, Tue 24, Wed 25, Thu 26: the weekend does not count.
    assert sel.notice_end == date(2026, 11, 26) == add_workdays(start=thursday, n=5)
    assert sel.notice_fallback == ""


def test_publish_counts_working_days_across_the_national_day_holiday(world, give):
    w = world
    give(w.a[0], 12, date(2026, 5, 10))
    sel = create(w, quarter=2, quota=3, **OPEN)  # published on 29 September, after Q2
    star_services.star_selection_draft(access=w.admin, selection=sel)
    start = date(2026, 9, 29)
    star_services.star_selection_publish(access=w.admin, selection=sel, start=start)
    sel.refresh_from_db()
    plain = start
    for _ in range(5):  # five plain weekdays
        plain += timedelta(days=1)
        while plain.weekday() >= 5:
            plain += timedelta(days=1)
    assert plain == date(2026, 10, 6)
    assert sel.notice_end == add_workdays(start=start, n=5)
    assert sel.notice_end > plain
    # 30 Sep, then 1–7 October off, 8, 9, the make-up Saturday 10, Monday 12.
    assert sel.notice_end == date(2026, 10, 12)
    assert sel.notice_fallback == ""


def test_a_year_without_official_data_falls_back_and_says_so(drafted, client_for, users):
    w, sel = drafted
    day = date(2027, 1, 4)
    with patch("hongfan.recognition.services.stars.today", return_value=day):
        star_services.star_selection_publish(access=w.admin, selection=sel)
    sel.refresh_from_db()
    assert (sel.notice_start, sel.notice_end) == (day, date(2027, 1, 11))
    assert sel.notice_fallback == "2027年节假日安排尚未录入，按周一至周五计算"
    # The page shows it (as admin of the test hospital: hosp of the demo gets a 404 there).
    page = _client_as(w.admin, client_for).get(reverse("recognition:star_detail", args=[sel.pk]))
    assert "2027年节假日安排尚未录入" in page.content.decode()


def test_the_draft_page_previews_the_notice_period_and_any_fallback(drafted, client_for):
    w, sel = drafted
    day = date(2027, 3, 1)
    client = _client_as(w.admin, client_for)
    with (
        patch("hongfan.recognition.views.stars.today", return_value=day),
        patch("hongfan.recognition.selectors.stars.today", return_value=day),
    ):
        html = client.get(reverse("recognition:star_detail", args=[sel.pk])).content.decode()
    assert "2027-03-01 至 2027-03-08" in html
    assert "2027年节假日安排尚未录入，按周一至周五计算" in html


def test_publishing_an_empty_list_or_twice_is_refused(world, ranked):
    w = ranked
    empty = create(w, quarter=2, min_points=1000)
    star_services.star_selection_draft(access=w.admin, selection=empty)
    refused(
        lambda: star_services.star_selection_publish(access=w.admin, selection=empty),
        says="名单为空",
    )
    sel = create(w, quota=4, **OPEN)
    star_services.star_selection_draft(access=w.admin, selection=sel)
    star_services.star_selection_publish(access=w.admin, selection=sel, start=date(2026, 11, 2))
    refused(
        lambda: star_services.star_selection_publish(access=w.admin, selection=sel),
        says="不能重复发布",
    )


def test_a_member_who_left_since_the_draft_blocks_publishing(drafted):
    w, sel = drafted
    Person.objects.filter(pk=w.a[0].pk).update(status=PersonStatus.LEFT)
    refused(
        lambda: star_services.star_selection_publish(access=w.admin, selection=sel),
        says="已不是本院在册党员",
    )


# --- confirmation ----------------------------------------------------------------------------


def test_confirm_is_refused_until_the_notice_is_over_then_allowed(drafted):
    w, sel = drafted
    refused(
        lambda: star_services.star_selection_confirm(access=w.admin, selection=sel), says="尚未公示"
    )
    star_services.star_selection_publish(access=w.admin, selection=sel, start=date(2026, 11, 19))
    sel.refresh_from_db()
    assert sel.notice_end == date(2026, 11, 26)
    for day in (date(2026, 11, 20), date(2026, 11, 26)):
        with patch("hongfan.recognition.services.stars.today", return_value=day):
            msg = refused(
                lambda: star_services.star_selection_confirm(access=w.admin, selection=sel),
                says="公示期至2026年11月26日",
            )
    assert "2026年11月27日起" in msg
    with patch("hongfan.recognition.services.stars.today", return_value=date(2026, 11, 27)):
        star_services.star_selection_confirm(access=w.admin, selection=sel)
    sel.refresh_from_db()
    assert sel.status == StarStatus.CONFIRMED
    assert sel.confirmed_at is not None and sel.confirmed_by_id == w.admin.user_id


@pytest.fixture
def confirmed(drafted: tuple[World, StarSelection]) -> tuple[World, StarSelection]:
    w, sel = drafted
    star_services.star_selection_publish(access=w.admin, selection=sel, start=date(2026, 11, 2))
    with patch("hongfan.recognition.services.stars.today", return_value=date(2026, 11, 20)):
        star_services.star_selection_confirm(access=w.admin, selection=sel)
    sel.refresh_from_db()
    return w, sel


def test_a_confirmed_selection_cannot_change(confirmed):
    w, sel = confirmed
    admin = w.admin
    calls: list[Callable[[], Any]] = [
        lambda: star_services.star_selection_draft(access=admin, selection=sel),
        lambda: star_services.star_selection_publish(access=admin, selection=sel),
        lambda: star_services.star_selection_confirm(access=admin, selection=sel),
        lambda: star_services.star_selection_remove(
            access=admin, selection=sel, person=w.a[0], reason="x"
        ),
        lambda: star_services.star_selection_revise(
            access=admin,
            selection=sel,
            quota_mode=QuotaMode.HOSPITAL_TOTAL,
            quota=1,
            min_points=0,
            min_attendance_share=0,
            exclude_complaints=False,
            notice_workdays=5,
        ),
    ]
    for call in calls:
        refused(call, says="评选结果已确认，不能再修改")


def test_a_published_list_cannot_be_redrawn_or_edited(drafted):
    w, sel = drafted
    star_services.star_selection_publish(access=w.admin, selection=sel, start=date(2026, 11, 2))
    refused(
        lambda: star_services.star_selection_draft(access=w.admin, selection=sel), says="已公示"
    )
    refused(
        lambda: star_services.star_selection_remove(
            access=w.admin, selection=sel, person=w.a[0], reason="x"
        ),
        says="已公示",
    )


# --- reads: member pages and the hospital overview -------------------------------------------


def test_stars_of_a_person_and_of_a_hospital_show_confirmed_and_in_notice_only(confirmed):
    w, sel = confirmed
    a0 = w.a[0]
    for month in (2, 5):  # a[0] alone has points in the first and second quarters
        award(w, a0, code(w, "ORG-MEETING"), date(2026, month, 10))
    draft = create(w, quarter=2, quota=3, **OPEN)
    notice = create(w, quarter=1, quota=3, **OPEN)
    star_services.star_selection_draft(access=w.admin, selection=draft)
    star_services.star_selection_draft(access=w.admin, selection=notice)
    star_services.star_selection_publish(access=w.admin, selection=notice, start=date(2026, 11, 2))

    mine = star_selectors.person_stars(w.sec_a, a0)
    assert [(s.selection.quarter, s.selection.status) for s in mine] == [
        (3, StarStatus.CONFIRMED),
        (1, StarStatus.NOTICE),
    ]
    html = render_to_string("recognition/partials/_stars.html", {"stars": mine})
    assert "2026年第3季度之星" in html and "2026年第1季度之星" in html
    assert html.count("公示中") == 1

    overview = star_selectors.hospital_stars(w.admin, w.hospital, year=2026)
    assert {s.selection_id for s in overview} == {sel.pk, notice.pk}
    assert overview[0].selection.quarter == 3  # newest quarter first
    with patch("hongfan.recognition.selectors.stars.today", return_value=date(2026, 12, 1)):
        assert len(star_selectors.hospital_stars(w.admin, w.hospital)) == len(overview)
    with patch("hongfan.recognition.selectors.stars.today", return_value=date(2027, 2, 1)):
        assert star_selectors.hospital_stars(w.admin, w.hospital) == []
    html = render_to_string(
        "recognition/partials/_stars.html",
        {"stars": overview, "show_person": True, "show_empty": True, "hospital": w.hospital},
    )
    assert a0.name in html and "第3季度" in html and "公示中" in html
    assert render_to_string("recognition/partials/_stars.html", {"stars": []}).strip() == ""


def test_star_reads_are_scoped_to_the_hospital(confirmed, users):
    w, sel = confirmed
    with pytest.raises(Http404):
        star_selectors.person_stars(access_for(users["hosp2"]), w.a[0])
    with pytest.raises(PermissionDenied):
        star_selectors.hospital_stars(access_for(users["audit"]), w.hospital)
    assert star_selectors.hospital_stars(access_for(users["city"]), w.hospital, year=2026)


# --- the Word announcement -------------------------------------------------------------------


def _docx_text(content: bytes) -> tuple[list[str], list[list[str]]]:
    d = docx.Document(io.BytesIO(content))
    paragraphs = [p.text for p in d.paragraphs if p.text]
    rows = [[c.text for c in r.cells] for r in d.tables[0].rows]
    return paragraphs, rows


def test_the_announcement_opens_in_word_with_the_names(drafted, client_for):
    w, sel = drafted
    star_services.star_selection_publish(access=w.admin, selection=sel, start=date(2026, 11, 19))
    client = _client_as(w.admin, client_for)
    r = client.get(reverse("recognition:star_export", args=[sel.pk]))
    assert r.status_code == 200
    assert r["Content-Type"] == DOCX_CONTENT_TYPE
    name = f"{w.hospital.short_name}2026年第三季度季度之星公示.docx"
    assert r["Content-Disposition"] == (
        f"attachment; filename=\"quarter_stars.docx\"; filename*=UTF-8''{quote(name, safe='')}"
    )
    paragraphs, rows = _docx_text(r.content)
    assert paragraphs[0] == "积分测试医院2026年第三季度“季度之星”评选结果公示"
    assert rows[0] == ["序号", "姓名", "支部", "科室", "季度积分"]
    listed = star_selectors.star_list(sel)
    assert [row[1] for row in rows[1:]] == [s.person.name for s in listed]
    assert rows[1][0] == "1" and rows[1][2] == w.branch_a.name and rows[1][4] == "50"
    assert "公示期：2026年11月19日至2026年11月26日（5个工作日）。" in paragraphs
    assert star_documents.OBJECTION_LINE in paragraphs
    assert paragraphs[-2:] == ["中共积分测试医院委员会", "2026年11月19日"]
    assert AuditEvent.objects.filter(
        action="export", target_id=str(sel.pk), detail__kind="star_announcement"
    ).exists()


def test_the_confirmed_announcement_is_the_list(confirmed, client_for):
    w, sel = confirmed
    r = _client_as(w.admin, client_for).get(reverse("recognition:star_export", args=[sel.pk]))
    paragraphs, rows = _docx_text(r.content)
    assert paragraphs[0] == "积分测试医院2026年第三季度“季度之星”名单"
    assert star_documents.OBJECTION_LINE not in paragraphs
    assert len(rows) == 1 + 3


# --- pages and permissions (the demo city's 济宁市第三人民医院) -----------------------------------


def _client_as(access: Access, client_for: Callable[[str], Any]) -> Any:
    from hongfan.accounts.models import User

    return client_for(User.objects.get(pk=access.user_id).username)


@pytest.fixture
def demo_selection(users: dict[str, Any]) -> Iterator[StarSelection]:
    hospital = primary()
    StarSelection.objects.filter(hospital=hospital).delete()
    hosp = access_for(users["hosp"])
    year, quarter = periods.last_finished_quarter()  # the demo ledger starts with it
    sel = star_services.star_selection_create(
        access=hosp, hospital=hospital, year=year, quarter=quarter, quota=5, **OPEN
    )
    star_services.star_selection_draft(access=hosp, selection=sel)
    # The demo ledger moves with today's date: members tied for the last places are picked
    # as the admin would (the lowest ids), so the list always holds the full quota.
    for tie in star_selectors.star_evaluation(sel).open_ties:
        picks = sorted(c.person_id for c in tie.candidates)[: tie.places]
        star_services.star_selection_break_tie(access=hosp, selection=sel, person_ids=picks)
    assert QuarterStar.objects.filter(selection=sel).count() == 5, "demo members have points"
    yield sel


def _status(client: Any, method: str, url: str, data: dict[str, Any] | None = None) -> int:
    r = client.get(url) if method == "get" else client.post(url, data or {})
    return r.status_code


def test_pages_follow_the_role_rules(demo_selection, client_for):
    sel = demo_selection
    detail = reverse("recognition:star_detail", args=[sel.pk])
    publish = reverse("recognition:star_publish", args=[sel.pk])
    confirm = reverse("recognition:star_confirm", args=[sel.pk])
    new = reverse("recognition:star_new")
    payload = {
        "year": sel.year,
        "quarter": sel.quarter,
        "quota_mode": "hospital_total",
        "quota": 3,
        "min_points": "0",
        "min_attendance_share": "0",
        "notice_workdays": 5,
    }
    before = state()
    expected = {
        "city": {("get", detail): 200, ("post", publish): 403, ("get", new): 403},
        "sec": {("get", detail): 403, ("post", publish): 403, ("post", new): 403},
        "member": {("get", detail): 403, ("post", publish): 403, ("post", new): 403},
        "hosp2": {("get", detail): 404, ("post", publish): 404},
        "audit": {("get", detail): 403, ("get", reverse("recognition:stars")): 403},
        "anonymous": {("get", detail): 302},
    }
    for role, cases in expected.items():
        client = client_for(role)
        for (method, url), status in cases.items():
            assert _status(client, method, url, payload) == status, (role, method, url)
    assert state() == before

    hosp = client_for("hosp")
    assert _status(hosp, "get", detail) == 200
    assert _status(hosp, "post", publish) == 302
    sel.refresh_from_db()
    assert sel.status == StarStatus.NOTICE

    # Published: the hospital's secretaries and members read it, still cannot confirm.
    before = state()
    for role in ("sec", "member"):
        client = client_for(role)
        assert _status(client, "get", detail) == 200
        assert _status(client, "get", reverse("recognition:star_export", args=[sel.pk])) == 200
        assert _status(client, "post", confirm) == 403
        listing = client.get(reverse("recognition:stars")).content.decode()
        assert f"{sel.year}年第{sel.quarter}季度" in listing
    assert _status(client_for("city"), "post", confirm) == 403
    assert state() == before


def test_members_see_only_published_selections_in_the_list(demo_selection, client_for):
    html = client_for("member").get(reverse("recognition:stars")).content.decode()
    assert "暂无已公示的季度之星名单" in html
    admin_html = client_for("hosp").get(reverse("recognition:stars")).content.decode()
    assert reverse("recognition:star_detail", args=[demo_selection.pk]) in admin_html
    assert "新建评选" in admin_html
    city = client_for("city").get(f"{reverse('recognition:stars')}?hospital={primary().pk}")
    assert city.status_code == 200 and "新建评选" not in city.content.decode()


def test_the_selection_page_shows_candidates_and_near_misses_and_no_ledger_proxy(
    scenario, client_for, django_assert_max_num_queries
):
    w = scenario
    sel = create(w, quota=3)
    star_services.star_selection_draft(access=w.admin, selection=sel)
    client = _client_as(w.admin, client_for)
    with django_assert_max_num_queries(30):
        html = client.get(reverse("recognition:star_detail", args=[sel.pk])).content.decode()
    for text in ("积分不足", "本季度有经核实的投诉", "出勤率不足", "发布公示"):
        assert text in html, text
    # Attendance comes from the meetings' records now: the note on the ledger proxy is gone.
    assert "ORG-MEETING" not in html and "积分流水估算" not in html
    assert w.a[0].name in html


def test_create_page_refuses_bad_input_with_a_message_and_no_change(world, client_for):
    client = _client_as(world.admin, client_for)
    url = f"{reverse('recognition:star_new')}?hospital={world.hospital.pk}"
    assert client.get(url).status_code == 200
    data = {
        "year": YEAR,
        "quarter": QUARTER,
        "quota_mode": "per_branch",
        "quota": 0,
        "min_points": "-1",
        "min_attendance_share": "1.5",
        "notice_workdays": 5,
    }
    before = state()
    r = client.post(url, data)
    html = r.content.decode()
    assert r.status_code == 200
    for text in ("名额至少为1", "最低季度积分不能为负数", "出勤率下限应在0到1之间"):
        assert text in html, text
    assert state() == before
    r = client.post(url, {**data, "quarter": "x", "quota": "abc"})
    assert r.status_code == 200 and state() == before


def test_create_page_makes_the_selection_and_its_draft(ranked, client_for):
    w = ranked
    client = _client_as(w.admin, client_for)
    data = {
        "year": YEAR,
        "quarter": QUARTER,
        "quota_mode": "hospital_total",
        "quota": 2,
        "min_points": "0",
        "min_attendance_share": "0",
        "notice_workdays": 5,
    }
    r = client.post(f"{reverse('recognition:star_new')}?hospital={w.hospital.pk}", data)
    sel = StarSelection.objects.get(hospital=w.hospital)
    assert r.status_code == 302 and r["Location"] == reverse(
        "recognition:star_detail", args=[sel.pk]
    )
    assert not sel.exclude_complaints  # an unticked box
    assert QuarterStar.objects.filter(selection=sel).count() == 2


def test_page_actions_report_refusals_as_messages(confirmed, client_for):
    w, sel = confirmed
    client = _client_as(w.admin, client_for)
    before = state()
    for name in ("star_draft", "star_publish", "star_confirm"):
        r = client.post(reverse(f"recognition:{name}", args=[sel.pk]), follow=True)
        assert "评选结果已确认，不能再修改" in r.content.decode(), name
    r = client.post(
        reverse("recognition:star_remove", args=[sel.pk]), {"person": w.a[0].pk, "reason": ""}
    )
    assert r.status_code == 302
    r = client.get(reverse("recognition:star_edit", args=[sel.pk]))
    assert r.status_code == 302
    assert state() == before


def test_remove_through_the_page(drafted, client_for):
    w, sel = drafted
    client = _client_as(w.admin, client_for)
    url = reverse("recognition:star_remove", args=[sel.pk])
    r = client.post(url, {"person": w.a[0].pk, "reason": "本人申请退出"}, follow=True)
    assert f"已将{w.a[0].name}移出草拟名单" in r.content.decode()
    assert not QuarterStar.objects.filter(selection=sel, person=w.a[0]).exists()
    assert "已移出" in r.content.decode()


@pytest.mark.parametrize("raw", ["99999999999999999999999", "１２", "-1"])
def test_a_hospital_asked_for_in_a_bad_form_is_not_found_or_ignored(client_for, raw):
    """?hospital= too large for a database id, or in full-width digits, is a 404; a value
    that is not digits is ignored: the city's first hospital."""
    r = client_for("city").get(reverse("recognition:stars"), {"hospital": raw})
    assert r.status_code == (404 if raw.isdigit() else 200)
