"""The development page with its steps: recording a step, a late one with its reason, the
introducers searched as you type, documents and the generated Word 文书 — and bad input
(future and malformed dates, NUL bytes, huge ids, another hospital's person, a bad upload)
answered in Chinese with nothing changed."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hongfan.core.dates import today
from hongfan.org.choices import PersonStatus, PoliticalStatus
from hongfan.org.models import Development, DevelopmentDocument, DevelopmentStep, Person
from hongfan.org.rules import DevDates
from hongfan.org.tests.factories import make_development, make_person, primary, sec_branch, second
from hongfan.org.tests.helpers import row

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def dev(db) -> Development:
    person = make_person(primary(), birth_date=date(1996, 6, 6), name="王晓燕")
    d = make_development(person, sec_branch(), DevDates(applied_on=today() - timedelta(days=40)))
    DevelopmentStep.objects.create(
        development=d, kind="application", label="递交入党申请书", done_on=d.applied_on
    )
    return d


def _step_url(dev, kind="talk"):
    return reverse("org:development_step", args=[dev.pk, kind])


def _page(client, dev) -> str:
    return client.get(reverse("org:development_edit", args=[dev.pk])).content.decode()


def test_the_page_lists_the_steps_with_the_overdue_talk(client_for, dev):
    page = _page(client_for("sec"), dev)
    assert "递交入党申请书" in page and "党组织派人谈话" in page and "入党宣誓" in page
    assert "已逾期" in page
    assert f"{dev.applied_on + timedelta(days=30):%Y-%m-%d}" in page


def test_a_late_step_is_recorded_and_shown_with_its_reason(client_for, dev):
    client = client_for("sec")
    r = client.post(
        _step_url(dev),
        {
            "done_on": today().isoformat(),
            "late_reason": "申请人外出进修，返院后即谈话",
            "file": SimpleUploadedFile("谈话记录.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert r.status_code == 302
    step = DevelopmentStep.objects.get(development=dev, kind="talk")
    assert step.late and step.done_on == today()
    page = _page(client, dev)
    assert "逾期办理" in page and "申请人外出进修，返院后即谈话" in page and "谈话记录.pdf" in page
    board = client.get(reverse("org:development") + f"?branch={sec_branch().pk}").content.decode()
    assert "逾期办理 1" in board


def test_a_late_step_without_a_reason_asks_for_one_and_saves_nothing(client_for, dev):
    before = row(dev)
    r = client_for("sec").post(_step_url(dev), {"done_on": today().isoformat()})
    assert r.status_code == 400
    assert "请如实填写逾期原因" in r.content.decode()
    assert row(dev) == before and not dev.steps.filter(kind="talk").exists()


@pytest.mark.parametrize(
    "done_on,says",
    [
        ((today() + timedelta(days=1)).isoformat(), "不能晚于今天"),
        ("2026-13-45", "请输入正确的日期"),
        ("20260101' OR 1=1", "请输入正确的日期"),
        ("9" * 40, "请输入正确的日期"),
        ("", "请填写办理日期"),
        ("2026-01-01\x00", "请输入正确的日期"),
    ],
)
def test_bad_dates_are_refused_in_chinese_and_change_nothing(client_for, dev, done_on, says):
    before = row(dev)
    r = client_for("sec").post(_step_url(dev), {"done_on": done_on, "late_reason": "原因"})
    assert r.status_code == 400
    assert says in r.content.decode()
    assert row(dev) == before and not dev.steps.filter(kind="talk").exists()


def test_nul_bytes_in_the_reason_are_refused(client_for, dev):
    r = client_for("sec").post(
        _step_url(dev), {"done_on": today().isoformat(), "late_reason": "外出\x00进修"}
    )
    assert r.status_code == 400
    assert "空字符" in r.content.decode() or "不允许" in r.content.decode()
    assert not dev.steps.filter(kind="talk").exists()


def test_a_bad_upload_is_refused_and_the_step_not_recorded(client_for, dev):
    r = client_for("sec").post(
        _step_url(dev),
        {
            "done_on": today().isoformat(),
            "late_reason": "外出",
            "file": SimpleUploadedFile(
                "谈话.pdf", b"<html>hi</html>", content_type="application/pdf"
            ),
        },
    )
    assert r.status_code == 400
    assert "只能上传" in r.content.decode()
    assert not dev.steps.filter(kind="talk").exists()
    assert not DevelopmentDocument.objects.filter(step__development=dev).exists()


@pytest.mark.parametrize("kind", ["nonsense", "x" * 60])
def test_an_unknown_step_is_not_found(client_for, dev, kind):
    r = client_for("sec").post(_step_url(dev, kind), {"done_on": today().isoformat()})
    assert r.status_code == 404


@pytest.mark.parametrize("pk", ["99999999999999999999", "9223372036854775808", "0"])
def test_huge_ids_are_not_found(client_for, pk):
    client = client_for("hosp")
    for url in (
        f"/org/development/{pk}/",
        f"/org/development/{pk}/introducers/search/",
        f"/org/development/documents/{pk}/",
        f"/org/development/{pk}/papers/candidate_notice/",
    ):
        assert client.get(url).status_code == 404, url


def test_another_hospitals_development_is_not_found_for_its_admin(client_for, dev):
    client = client_for("hosp2")
    assert client.get(reverse("org:development_edit", args=[dev.pk])).status_code == 404
    r = client.post(_step_url(dev), {"done_on": today().isoformat(), "late_reason": "x"})
    assert r.status_code == 404
    assert not dev.steps.filter(kind="talk").exists()


def test_a_member_cannot_record_a_step(client_for, dev):
    r = client_for("member").post(
        _step_url(dev), {"done_on": today().isoformat(), "late_reason": "x"}
    )
    assert r.status_code == 403
    assert not dev.steps.filter(kind="talk").exists()


# --- introducers ---------------------------------------------------------------------------


def _full(hospital) -> list[Person]:
    return list(
        Person.objects.filter(
            hospital=hospital, political_status=PoliticalStatus.MEMBER, status=PersonStatus.ACTIVE
        ).order_by("pk")[:2]
    )


def test_the_introducers_are_searched_among_full_members_only(client_for, dev):
    url = reverse("org:introducer_search", args=[dev.pk])
    page = _page(client_for("sec"), dev)
    assert f'data-search="{url}"' in page
    member = _full(primary())[0]
    found = client_for("sec").get(url, {"q": member.name}).json()["results"]
    assert member.pk in [r["value"] for r in found]
    masses = make_person(primary(), name="群众甲乙")
    assert client_for("sec").get(url, {"q": "群众甲乙"}).json()["results"] == []
    outsider = _full(second())[0]
    found = client_for("sec").get(url, {"q": outsider.name}).json()["results"]
    assert outsider.pk not in [r["value"] for r in found]
    assert masses.pk


@pytest.mark.parametrize("q", ["\x00", "9" * 40, "%", "' OR 1=1 --"])
def test_odd_introducer_searches_answer_calmly(client_for, dev, q):
    r = client_for("sec").get(reverse("org:introducer_search", args=[dev.pk]), {"q": q})
    assert r.status_code == 200 and isinstance(r.json()["results"], list)


def test_two_full_members_are_chosen_as_introducers(client_for, dev):
    a, b = _full(primary())
    r = client_for("sec").post(
        reverse("org:development_introducers", args=[dev.pk]),
        {"introducer_1": a.pk, "introducer_2": b.pk},
    )
    assert r.status_code == 302
    dev.refresh_from_db()
    assert (dev.introducer_1_id, dev.introducer_2_id) == (a.pk, b.pk)


@pytest.mark.parametrize("who", ["masses", "other_hospital", "huge", "text"])
def test_a_wrong_introducer_is_refused_in_chinese(client_for, dev, who):
    a = _full(primary())[0]
    other = {
        "masses": lambda: make_person(primary()).pk,
        "other_hospital": lambda: _full(second())[0].pk,
        "huge": lambda: "99999999999999999999999",
        "text": lambda: "张三",
    }[who]()
    before = row(dev)
    r = client_for("sec").post(
        reverse("org:development_introducers", args=[dev.pk]),
        {"introducer_1": a.pk, "introducer_2": other},
    )
    assert r.status_code == 400
    assert "只能选择本院在职的正式党员" in r.content.decode()
    assert row(dev) == before


# --- documents and 文书 ------------------------------------------------------------------


def test_a_document_is_downloaded_by_the_secretary_and_hidden_from_another_hospital(
    client_for, dev
):
    step = dev.steps.get(kind="application")
    r = client_for("sec").post(
        reverse("org:development_document_add", args=[step.pk]),
        {"file": SimpleUploadedFile("申请书.pdf", PDF, content_type="application/pdf")},
    )
    assert r.status_code == 302
    doc = DevelopmentDocument.objects.get(step=step)
    r = client_for("sec").get(reverse("org:development_document", args=[doc.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"].startswith("attachment")
    assert b"".join(r.streaming_content).startswith(b"%PDF")
    assert (
        client_for("hosp2").get(reverse("org:development_document", args=[doc.pk])).status_code
        == 404
    )
    assert (
        client_for("member").get(reverse("org:development_document", args=[doc.pk])).status_code
        == 403
    )


def test_an_empty_document_upload_says_so(client_for, dev):
    step = dev.steps.get(kind="application")
    client = client_for("sec")
    r = client.post(reverse("org:development_document_add", args=[step.pk]), {}, follow=True)
    assert "请选择要上传的材料" in r.content.decode()
    assert not DevelopmentDocument.objects.filter(step=step).exists()


def _docx_text(content: bytes) -> str:
    import docx

    d = docx.Document(io.BytesIO(content))
    cells = [c.text for t in d.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in d.paragraphs] + cells)


def test_the_notice_is_generated_as_a_word_file_with_five_working_days(client_for, dev):
    from hongfan.workdays.selectors import add_workdays

    r = client_for("sec").get(reverse("org:development_paper", args=[dev.pk, "activist_notice"]))
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    text = _docx_text(r.content)
    assert "关于拟将王晓燕同志确定为入党积极分子的公示" in text
    ends = add_workdays(start=today(), n=5)
    assert f"{ends.year}年{ends.month}月{ends.day}日" in text and "5个工作日" in text
    assert sec_branch().name in text


def test_the_volunteer_form_cover_carries_the_record(client_for, dev):
    a, b = _full(primary())
    dev.introducer_1, dev.introducer_2, dev.introducers = a, b, f"{a.name}、{b.name}"
    dev.save()
    r = client_for("hosp").get(reverse("org:development_paper", args=[dev.pk, "volunteer_cover"]))
    text = _docx_text(r.content)
    assert "入党志愿书" in text and "王晓燕" in text and a.name in text
    assert r["Content-Disposition"].startswith("attachment")


def test_an_unknown_paper_is_not_found(client_for, dev):
    r = client_for("sec").get(reverse("org:development_paper", args=[dev.pk, "passport"]))
    assert r.status_code == 404


def test_the_read_only_steps_partial_shows_done_steps_late_flags_and_the_next_step(dev, sec):
    """org/partials/_development_steps.html: what the person page shows of a development."""
    from django.template.loader import render_to_string

    from hongfan.org.selectors.development import development_steps
    from hongfan.org.services.development import development_step_record

    development_step_record(
        access=sec, development=dev, kind="talk", done_on=today(), late_reason="外出进修"
    )
    html = render_to_string(
        "org/partials/_development_steps.html",
        {"steps": development_steps(access=sec, development=dev), "dev": dev},
    )
    assert "递交入党申请书" in html and "党组织派人谈话" in html and "逾期办理" in html
    assert "下一步：确定为入党积极分子" in html


def test_the_page_states_the_time_limits_in_force(client_for, dev):
    from hongfan.org.models import DevelopmentStepRule

    client = client_for("sec")
    assert "党组织派人谈话：递交入党申请书后30天内办理" in _page(client, dev)
    DevelopmentStepRule.objects.create(
        authority=primary().authority,
        effective_from=today(),
        kind="talk",
        label="党组织派人谈话",
        stage="applicant",
        order=2,
        after="application",
        latest_amount=20,
        latest_unit="days",
    )
    assert "党组织派人谈话：递交入党申请书后20天内办理" in _page(client, dev)


def test_the_steps_page_reads_a_bounded_number_of_queries(
    client_for, dev, sec, django_assert_max_num_queries
):
    from django.core.files.base import ContentFile

    from hongfan.org.services.development import development_document_add, development_step_record

    client = client_for("sec")
    _page(client, dev)  # warm the session and the menu
    with django_assert_max_num_queries(40) as few:
        _page(client, dev)
    for i in range(3):
        step = development_step_record(
            access=sec,
            development=dev,
            kind=["talk", "activist", "contact"][i],
            done_on=today(),
            late_reason="外出",
        )
        development_document_add(access=sec, step=step, upload=ContentFile(PDF, name="a.pdf"))
    with django_assert_max_num_queries(len(few.captured_queries) + 2):
        _page(client, dev)


# --- the city's step rules -------------------------------------------------------------------


def _rules_payload(**changes):
    from hongfan.org.tests.role_rows import development_rules_payload

    class T:
        hospital = primary()

    data = development_rules_payload(T)
    data["talk__latest_amount"] = 30
    data.update(changes)
    return data


def test_the_city_publishes_a_new_time_limit_for_one_step(client_for, dev):
    from hongfan.org.models import DevelopmentStepRule

    r = client_for("city").post(
        reverse("org:development_rules"), _rules_payload(contact__latest_amount=2)
    )
    assert r.status_code == 302
    saved = DevelopmentStepRule.objects.get()
    assert (saved.kind, saved.latest_amount, saved.effective_from) == ("contact", 2, today())
    page = client_for("city").get(reverse("org:development_rules")).content.decode()
    assert "指定培养联系人：确定为入党积极分子后2个月内办理" in page


@pytest.mark.parametrize(
    "changes,says",
    [
        ({}, "没有改动任何步骤的规则"),
        (
            {
                "effective_from": (today() - timedelta(days=1)).isoformat(),
                "talk__latest_amount": 20,
            },
            "今天或以后",
        ),
        ({"talk__latest_amount": "9" * 30}, "“党组织派人谈话”的办理时限不能大于400"),
        ({"talk__latest_amount": "三十"}, "“党组织派人谈话”的办理时限须为整数"),
        ({"thought_report__repeat_months": 0}, "须填写重复周期"),
        ({"talk__repeat_months": 3}, "不能设重复周期"),
        ({"talk__latest_unit": "weeks"}, "办理时限单位无效"),
        ({"effective_from": "2026-02-30", "talk__latest_amount": 20}, "请输入正确的日期"),
    ],
)
def test_bad_step_rules_are_refused_in_chinese_and_nothing_is_published(client_for, changes, says):
    from hongfan.org.models import DevelopmentStepRule

    r = client_for("city").post(reverse("org:development_rules"), _rules_payload(**changes))
    assert r.status_code == 400
    assert says in r.content.decode()
    assert not DevelopmentStepRule.objects.exists()


def test_the_city_finds_the_step_rules_from_the_organisation_rules(client_for):
    page = client_for("city").get(reverse("org:rules")).content.decode()
    assert f'href="{reverse("org:development_rules")}"' in page


def test_the_person_page_shows_the_steps_and_a_late_one(client_for, dev, sec):
    from hongfan.org.services.development import development_step_record

    development_step_record(
        access=sec, development=dev, kind="talk", done_on=today(), late_reason="外出进修"
    )
    page = (
        client_for("sec")
        .get(reverse("org:person", args=[dev.person_id]) + "?tab=development")
        .content.decode()
    )
    assert "党组织派人谈话" in page and "逾期办理 1 项" in page
    assert "下一步：确定为入党积极分子" in page
