"""Writes on people: refused with a Chinese message naming the rule, and nothing changes when
refused."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from hongfan.core.access import access_for
from hongfan.core.dates import add_months, today
from hongfan.core.models import AuditEvent
from hongfan.org.choices import PersonStatus, PoliticalStatus
from hongfan.org.models import Branch, OrgRule, PartyGroup, Person, Transfer
from hongfan.org.selectors import hospitals as hospitals_selectors
from hongfan.org.selectors import people as people_selectors
from hongfan.org.services import people
from hongfan.org.tests.factories import (
    candidate_dates,
    make_development,
    make_person,
    other_branch,
    primary,
    sec_branch,
    second,
    unused_id_number,
)
from hongfan.org.tests.helpers import messages_of, row


def person_data(**over):
    branch = over.pop("branch", None)
    data = dict(
        name="林晓雪",
        gender="F",
        ethnicity="汉族",
        birth_date=date(1992, 8, 15),
        education="bachelor",
        department=None,
        post="护士",
        title="主管护师",
        is_middle_cadre=False,
        is_department_head=False,
        is_senior_expert=False,
        political_status=PoliticalStatus.MASSES,
        joined_on=None,
        full_member_on=None,
        branch=branch,
        party_group=None,
    )
    data.update(over)
    return data


def test_adding_a_person_encrypts_the_id_and_writes_an_audit_row(db, hosp):
    number = unused_id_number(date(1992, 8, 15), "F")
    person = people.person_create(
        access=hosp, hospital=primary(), data=person_data(), id_number=number, mobile="13912345678"
    )
    assert person.id_number == number
    assert person.id_number_masked == number[:6] + "********" + number[-4:]
    event = AuditEvent.objects.get(
        action="data_created", target_type="org.person", target_id=str(person.pk)
    )
    assert number not in str(event.detail) and "13912345678" not in str(event.detail)


@pytest.mark.parametrize(
    "id_number,field,text",
    [
        ("11010519921231002X", "id_number", "校验位错误"),
        ("1101051992", "id_number", "18位"),
        ("110105199208150021", "birth_date", "出生日期与身份证号不一致"),
    ],
)
def test_a_person_with_a_bad_id_number_is_refused(db, hosp, id_number, field, text):
    if field == "birth_date":  # a valid number whose birth date is not the form's
        id_number = unused_id_number(date(1992, 8, 16), "F")
    count = Person.objects.count()
    with pytest.raises(ValidationError) as exc:
        people.person_create(
            access=hosp, hospital=primary(), data=person_data(), id_number=id_number
        )
    assert text in " ".join(exc.value.message_dict[field])
    assert Person.objects.count() == count


def test_an_id_number_already_in_the_hospital_is_refused_but_allowed_in_another(db, hosp, users):
    existing = make_person(primary(), birth_date=date(1992, 8, 15))
    with pytest.raises(ValidationError) as exc:
        people.person_create(
            access=hosp, hospital=primary(), data=person_data(), id_number=existing.id_number
        )
    assert "本院已有相同身份证号的职工" in messages_of(exc.value)
    other = people.person_create(
        access=access_for(users["hosp2"]),
        hospital=second(),
        data=person_data(),
        id_number=existing.id_number,
    )
    assert other.id_number_hash == existing.id_number_hash


def test_a_member_without_a_branch_is_refused(db, hosp):
    count = Person.objects.count()
    with pytest.raises(ValidationError) as exc:
        people.person_create(
            access=hosp,
            hospital=primary(),
            data=person_data(
                political_status=PoliticalStatus.MEMBER,
                joined_on=date(2015, 7, 1),
                full_member_on=date(2016, 7, 1),
            ),
        )
    assert "党员必须编入一个党支部" in " ".join(exc.value.message_dict["branch"])
    assert Person.objects.count() == count


@pytest.mark.parametrize(
    "over,field,text",
    [
        ({"birth_date": date(2999, 1, 1)}, "birth_date", "不能晚于今天"),
        ({"name": "  "}, "name", "请填写姓名"),
        (
            {"political_status": "member", "joined_on": date(2015, 7, 1)},
            "full_member_on",
            "正式党员须填写转正日期",
        ),
        (
            {
                "political_status": "member",
                "joined_on": date(2015, 7, 1),
                "full_member_on": date(2014, 7, 1),
            },
            "full_member_on",
            "转正日期不能早于入党日期",
        ),
    ],
)
def test_person_fields_are_checked_with_chinese_messages(db, hosp, over, field, text):
    data = person_data(branch=sec_branch(), **over)
    with pytest.raises(ValidationError) as exc:
        people.person_create(access=hosp, hospital=primary(), data=data)
    assert text in " ".join(exc.value.message_dict[field])


def member_data(*, birth_date: date, joined_on: date, **over) -> dict:
    return person_data(
        branch=sec_branch(),
        political_status=PoliticalStatus.MEMBER,
        birth_date=birth_date,
        joined_on=joined_on,
        full_member_on=min(add_months(joined_on, 12), today()),
        **over,
    )


@pytest.mark.parametrize(
    "joined_on,text",
    [
        (date(1992, 8, 15), "入党时未满18周岁（按出生日期计算，入党时仅0周岁）"),
        (date(2010, 8, 14), "入党时未满18周岁（按出生日期计算，入党时仅17周岁）"),
        (today() + timedelta(days=1), "入党日期不能晚于今天"),
    ],
    ids=["on_the_day_of_birth", "the_day_before_the_18th_birthday", "in_the_future"],
)
def test_a_member_who_joined_under_18_or_in_the_future_is_refused(db, hosp, joined_on, text):
    count = Person.objects.count()
    with pytest.raises(ValidationError) as exc:
        people.person_create(
            access=hosp,
            hospital=primary(),
            data=member_data(birth_date=date(1992, 8, 15), joined_on=joined_on),
        )
    assert text in " ".join(exc.value.message_dict["joined_on"])
    assert Person.objects.count() == count


def test_a_member_who_joined_on_the_18th_birthday_is_accepted(db, hosp):
    person = people.person_create(
        access=hosp,
        hospital=primary(),
        data=member_data(birth_date=date(1992, 8, 15), joined_on=date(2010, 8, 15)),
    )
    assert person.joined_on == date(2010, 8, 15)


def test_the_minimum_joining_age_is_the_citys_rule_in_force(db, hosp):
    OrgRule.objects.create(
        authority_id=primary().authority_id, effective_from=date(2020, 1, 1), dev_min_age=20
    )
    count = Person.objects.count()
    with pytest.raises(ValidationError) as exc:
        people.person_create(
            access=hosp,
            hospital=primary(),
            data=member_data(birth_date=date(1992, 8, 15), joined_on=date(2011, 8, 15)),
        )
    assert "入党时未满20周岁" in " ".join(exc.value.message_dict["joined_on"])
    assert Person.objects.count() == count


def test_editing_a_joining_date_to_before_18_is_refused_and_changes_nothing(db, hosp):
    person = make_person(
        branch=sec_branch(), political_status=PoliticalStatus.MEMBER, birth_date=date(1990, 5, 17)
    )
    before = row(person)
    with pytest.raises(ValidationError) as exc:
        people.person_update(
            access=hosp, person=person, data={"joined_on": date(2005, 7, 1), "post": "改了"}
        )
    assert "入党时未满18周岁" in " ".join(exc.value.message_dict["joined_on"])
    assert row(Person.objects.get(pk=person.pk)) == before


def test_the_person_form_shows_the_joining_age_error_on_its_field(db, users, client):
    birth = date(1993, 6, 8)
    client.force_login(users["hosp"])
    count = Person.objects.count()
    response = client.post(
        reverse("org:person_new") + f"?hospital={primary().pk}",
        {
            "name": "新来的党员",
            "gender": "F",
            "ethnicity": "汉族",
            "birth_date": birth.isoformat(),
            "education": "bachelor",
            "political_status": PoliticalStatus.MEMBER,
            "joined_on": "2008-07-01",
            "full_member_on": "2009-07-01",
            "branch": sec_branch().pk,
            "id_number": unused_id_number(birth, "F"),
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["joined_on"] == ["入党时未满18周岁（按出生日期计算，入党时仅15周岁）"]
    assert Person.objects.count() == count


def test_a_bad_mobile_is_refused(db, hosp):
    with pytest.raises(ValidationError) as exc:
        people.person_create(access=hosp, hospital=primary(), data=person_data(), mobile="1234567")
    assert "11位数字" in " ".join(exc.value.message_dict["mobile"])


def test_a_branch_of_another_hospital_is_refused(db, hosp):
    foreign = Branch.objects.filter(hospital=second()).first()
    with pytest.raises(ValidationError) as exc:
        people.person_create(access=hosp, hospital=primary(), data=person_data(branch=foreign))
    assert "支部不属于本院" in " ".join(exc.value.message_dict["branch"])


def test_a_secretary_adds_people_only_to_their_own_branch(db, sec):
    mine = people.person_create(
        access=sec, hospital=primary(), data=person_data(branch=sec_branch())
    )
    assert mine.branch_id == sec_branch().pk
    with pytest.raises(PermissionDenied):
        people.person_create(
            access=sec, hospital=primary(), data=person_data(branch=other_branch())
        )
    with pytest.raises(PermissionDenied):
        people.person_create(access=sec, hospital=primary(), data=person_data())


def test_editing_a_person_keeps_the_id_number_when_left_blank(db, hosp):
    person = make_person(branch=sec_branch(), political_status=PoliticalStatus.MEMBER)
    number = person.id_number
    people.person_update(access=hosp, person=person, data={"post": "护士长"})
    person = Person.objects.get(pk=person.pk)
    assert person.post == "护士长"
    assert person.id_number == number


def test_editing_a_person_checks_the_new_id_number(db, hosp):
    person = make_person(primary(), birth_date=date(1990, 5, 17))
    before = row(person)
    with pytest.raises(ValidationError) as exc:
        people.person_update(
            access=hosp,
            person=person,
            data={"post": "改了"},
            id_number=person.id_number[:17] + ("0" if person.id_number[17] != "0" else "1"),
        )
    assert "校验位错误" in messages_of(exc.value)
    assert row(Person.objects.get(pk=person.pk)) == before


def test_a_secretary_cannot_move_a_person_to_another_branch_by_editing(db, sec):
    person = make_person(branch=sec_branch(), political_status=PoliticalStatus.MEMBER)
    with pytest.raises(PermissionDenied) as exc:
        people.person_update(access=sec, person=person, data={"branch": other_branch()})
    assert "组织关系转接" in str(exc.value)
    assert Person.objects.get(pk=person.pk).branch_id == sec_branch().pk


def test_a_secretary_cannot_edit_people_of_another_branch(db, sec):
    person = make_person(branch=other_branch(), political_status=PoliticalStatus.MEMBER)
    before = row(person)
    with pytest.raises(PermissionDenied):
        people.person_update(access=sec, person=person, data={"post": "改了"})
    assert row(Person.objects.get(pk=person.pk)) == before


def test_a_transfer_records_history_and_moves_the_active_development(db, hosp, users):
    src, dst = sec_branch(), other_branch()
    group = PartyGroup.objects.create(branch=src, name="临时党小组")
    person = make_person(primary(), birth_date=date(1994, 1, 1))
    person.branch, person.party_group = src, group
    person.save()
    dev = make_development(person, src, candidate_dates())
    on = today() - timedelta(days=2)
    transfer = people.person_transfer(
        access=hosp, person=person, to_branch=dst, on=on, reason="科室调整"
    )
    person.refresh_from_db()
    dev.refresh_from_db()
    assert (transfer.from_branch_id, transfer.to_branch_id) == (src.pk, dst.pk)
    assert (transfer.transferred_on, transfer.reason) == (on, "科室调整")
    assert transfer.actor_id == users["hosp"].pk
    assert person.branch_id == dst.pk and person.party_group_id is None
    assert dev.branch_id == dst.pk
    assert people_selectors.person_history(person)[0] == transfer
    assert AuditEvent.objects.filter(
        action="data_changed", target_id=str(person.pk), detail__change="transfer"
    ).exists()


@pytest.mark.parametrize(
    "case,text",
    [
        ("same_branch", "转入支部与当前支部相同"),
        ("future", "转接日期不能晚于今天"),
        ("no_reason", "请填写转接原因"),
        ("other_hospital", "只能转入本院在用的党支部"),
    ],
)
def test_a_bad_transfer_is_refused_and_records_nothing(db, hosp, case, text):
    person = make_person(branch=sec_branch(), political_status=PoliticalStatus.MEMBER)
    to = {
        "same_branch": sec_branch(),
        "other_hospital": Branch.objects.filter(hospital=second()).first(),
    }.get(case, other_branch())
    on = today() + timedelta(days=1) if case == "future" else today()
    reason = "" if case == "no_reason" else "岗位调动"
    with pytest.raises(ValidationError) as exc:
        people.person_transfer(access=hosp, person=person, to_branch=to, on=on, reason=reason)
    assert text in messages_of(exc.value)
    assert not Transfer.objects.filter(person=person).exists()
    assert Person.objects.get(pk=person.pk).branch_id == sec_branch().pk


def test_only_the_hospital_transfers_people(db, sec):
    person = make_person(branch=sec_branch(), political_status=PoliticalStatus.MEMBER)
    with pytest.raises(PermissionDenied):
        people.person_transfer(
            access=sec, person=person, to_branch=other_branch(), on=today(), reason="调动"
        )
    assert not Transfer.objects.filter(person=person).exists()


def test_marking_a_person_as_left_removes_them_from_counts_and_duties(db, hosp):
    branch = sec_branch()
    person = make_person(branch=branch, political_status=PoliticalStatus.MEMBER)
    group = PartyGroup.objects.create(branch=branch, name="临时党小组", leader=person)
    branch.secretary, old_secretary = person, branch.secretary
    branch.save()
    staff_before = hospitals_selectors.hospital_overview(
        access=hosp, hospital=primary()
    ).staff_count
    people.person_mark_left(access=hosp, person=person, on=today(), reason="调出")
    person.refresh_from_db()
    assert person.status == PersonStatus.LEFT
    assert (person.left_on, person.left_reason) == (today(), "调出")
    assert Branch.objects.get(pk=branch.pk).secretary_id is None
    assert PartyGroup.objects.get(pk=group.pk).leader_id is None
    left = Transfer.objects.get(person=person)
    assert left.from_branch_id == branch.pk and left.to_branch_id is None
    assert (
        hospitals_selectors.hospital_overview(access=hosp, hospital=primary()).staff_count
        == staff_before - 1
    )
    with pytest.raises(ValidationError) as exc:
        people.person_mark_left(access=hosp, person=person, on=today(), reason="再次")
    assert "已标记为离开" in messages_of(exc.value)
    assert old_secretary is not None


def test_a_secretary_cannot_mark_people_as_left(db, sec):
    person = make_person(branch=sec_branch(), political_status=PoliticalStatus.MEMBER)
    with pytest.raises(PermissionDenied):
        people.person_mark_left(access=sec, person=person, on=today(), reason="调出")
    assert Person.objects.get(pk=person.pk).status == PersonStatus.ACTIVE


def test_revealing_an_id_number_is_audited(db, hosp, users):
    person = make_person(branch=sec_branch())
    value = people.person_reveal(access=hosp, person=person, field="id_number")
    assert value == person.id_number
    event = AuditEvent.objects.filter(action="reveal", target_id=str(person.pk)).get()
    assert event.success is True
    assert event.user_id == users["hosp"].pk
    assert event.detail == {"field": "id_number"}
    assert person.id_number not in str(event.detail) + event.target_repr


def test_a_member_may_reveal_their_own_mobile(db, users):
    me = users["member"].person
    value = people.person_reveal(access=access_for(users["member"]), person=me, field="mobile")
    assert value == me.mobile


def test_a_secretary_of_another_branch_cannot_reveal_and_the_attempt_is_audited(db, sec, users):
    person = make_person(branch=other_branch())
    with pytest.raises(PermissionDenied):
        people.person_reveal(access=sec, person=person, field="mobile")
    event = AuditEvent.objects.get(action="reveal", target_id=str(person.pk))
    assert event.success is False
    assert event.username == "sec"


def test_revealing_an_unknown_field_is_refused(db, hosp):
    person = make_person(branch=sec_branch())
    with pytest.raises(ValidationError):
        people.person_reveal(access=hosp, person=person, field="name")
