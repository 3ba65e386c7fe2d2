"""Writes on 双培养: refused with a Chinese message naming the rule, and nothing changes when
refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hongfan.core.dates import today
from hongfan.core.models import AuditEvent
from hongfan.org.choices import CultivationDirection, CultivationOutcome, PoliticalStatus
from hongfan.org.models import DualCultivation, Person
from hongfan.org.selectors import hospitals as hospitals_selectors
from hongfan.org.services import cultivation
from hongfan.org.tests.factories import make_person, primary, sec_branch, second
from hongfan.org.tests.helpers import messages_of


def cadre(**extra):
    return make_person(primary(), is_middle_cadre=True, **extra)


def test_a_middle_cadre_is_cultivated_into_a_member_and_counted(db, hosp):
    person = cadre()
    before = hospitals_selectors.hospital_overview(access=hosp, hospital=primary()).cultivation
    row_ = cultivation.cultivation_create(
        access=hosp,
        hospital=primary(),
        data={
            "person": person,
            "direction": CultivationDirection.CADRE_TO_MEMBER,
            "started_on": today(),
            "goal": "发展为党员",
        },
    )
    after = hospitals_selectors.hospital_overview(access=hosp, hospital=primary()).cultivation
    assert after["cadre_to_member"]["in_progress"] == before["cadre_to_member"]["in_progress"] + 1
    assert AuditEvent.objects.filter(action="data_created", target_id=str(row_.pk)).exists()


CULTIVATION_REFUSALS = [
    ("cadre_to_member", {"political_status": "member"}, "已是党员"),
    ("cadre_to_member", {"is_middle_cadre": False}, "须为中层干部"),
    ("member_to_cadre", {}, "须为党员"),
    ("member_to_cadre", {"political_status": "member", "is_middle_cadre": True}, "已是中层干部"),
]


@pytest.mark.parametrize("direction,person_over,text", CULTIVATION_REFUSALS)
def test_cultivation_of_the_wrong_person_is_refused(db, hosp, direction, person_over, text):
    status = person_over.pop("political_status", PoliticalStatus.MASSES)
    is_cadre = person_over.pop("is_middle_cadre", direction == "cadre_to_member")
    person = make_person(
        branch=sec_branch() if status == "member" else None,
        political_status=status,
        is_middle_cadre=is_cadre,
    )
    count = DualCultivation.objects.count()
    with pytest.raises(ValidationError) as exc:
        cultivation.cultivation_create(
            access=hosp,
            hospital=primary(),
            data={"person": person, "direction": direction, "started_on": today()},
        )
    assert text in messages_of(exc.value)
    assert DualCultivation.objects.count() == count


def test_a_second_open_cultivation_in_the_same_direction_is_refused(db, hosp):
    person = cadre()
    data = {"person": person, "direction": "cadre_to_member", "started_on": today()}
    cultivation.cultivation_create(access=hosp, hospital=primary(), data=dict(data))
    with pytest.raises(ValidationError) as exc:
        cultivation.cultivation_create(access=hosp, hospital=primary(), data=dict(data))
    assert "已在该方向的培养中" in messages_of(exc.value)


def test_cultivation_in_the_future_or_of_another_hospitals_people_is_refused(db, hosp):
    with pytest.raises(ValidationError) as exc:
        cultivation.cultivation_create(
            access=hosp,
            hospital=primary(),
            data={
                "person": cadre(),
                "direction": "cadre_to_member",
                "started_on": today() + timedelta(days=1),
            },
        )
    assert "不能晚于今天" in messages_of(exc.value)
    foreign = make_person(second(), is_middle_cadre=True)
    with pytest.raises(ValidationError) as exc:
        cultivation.cultivation_create(
            access=hosp,
            hospital=primary(),
            data={"person": foreign, "direction": "cadre_to_member", "started_on": today()},
        )
    assert "不属于本院" in messages_of(exc.value)


def test_only_the_hospital_records_cultivation(db, sec):
    with pytest.raises(PermissionDenied):
        cultivation.cultivation_create(
            access=sec,
            hospital=primary(),
            data={"person": cadre(), "direction": "cadre_to_member", "started_on": today()},
        )


def test_achieving_member_to_cadre_makes_the_person_a_middle_cadre(db, hosp):
    person = make_person(branch=sec_branch(), political_status=PoliticalStatus.MEMBER)
    row_ = cultivation.cultivation_create(
        access=hosp,
        hospital=primary(),
        data={
            "person": person,
            "direction": "member_to_cadre",
            "started_on": today() - timedelta(days=100),
        },
    )
    cultivation.cultivation_close(
        access=hosp, cultivation=row_, outcome=CultivationOutcome.ACHIEVED, on=today()
    )
    assert Person.objects.get(pk=person.pk).is_middle_cadre is True
    row_.refresh_from_db()
    assert (row_.outcome, row_.outcome_on) == ("achieved", today())
    with pytest.raises(ValidationError) as exc:
        cultivation.cultivation_close(
            access=hosp, cultivation=row_, outcome=CultivationOutcome.STOPPED, on=today()
        )
    assert "已有结果" in messages_of(exc.value)


@pytest.mark.parametrize(
    "outcome,days,text",
    [
        ("achieved", 1, "不能晚于今天"),
        ("achieved", -200, "不能早于开始培养日期"),
        ("in_progress", 0, "请选择"),
    ],
)
def test_closing_a_cultivation_with_a_bad_outcome_or_date_is_refused(db, hosp, outcome, days, text):
    row_ = cultivation.cultivation_create(
        access=hosp,
        hospital=primary(),
        data={
            "person": cadre(),
            "direction": "cadre_to_member",
            "started_on": today() - timedelta(days=100),
        },
    )
    with pytest.raises(ValidationError) as exc:
        cultivation.cultivation_close(
            access=hosp, cultivation=row_, outcome=outcome, on=today() + timedelta(days=days)
        )
    assert text in messages_of(exc.value)
    assert DualCultivation.objects.get(pk=row_.pk).outcome == "in_progress"
