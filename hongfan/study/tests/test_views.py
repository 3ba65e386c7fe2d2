"""The study pages in the demo city: who sees what (another hospital 404, a role without the
right 403 and audited, 三员 403), the read-to-end post, documents, the review queue, the
hours export, the question import and an exam taken through the pages."""

from __future__ import annotations

import io
import time

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from hongfan.accounts.models import User
from hongfan.core.models import AuditEvent
from hongfan.org.models import Person
from hongfan.org.tests.factories import make_person, other_branch, primary, sec_branch, second
from hongfan.study.choices import ItemKind
from hongfan.study.demo import build_study_demo
from hongfan.study.models import Exam, ExamAttempt, StudyCompletion, StudyItem, StudyLog, StudyTopic
from hongfan.study.services import items as item_services
from hongfan.study.tests.conftest import PDF, study_state, upload, xlsx

pytestmark = pytest.mark.django_db
SEPARATED = ("audit", "security", "sysadmin")


@pytest.fixture
def demo(db):
    build_study_demo(primary())
    return primary()


def person_of(username: str) -> Person:
    return User.objects.get(username=username).person


def item_for(hospital, *, branch=None, title="测试资料", **kw) -> StudyItem:
    topic, _ = StudyTopic.objects.get_or_create(hospital=hospital, name="测试主题")
    values = {"kind": ItemKind.ARTICLE, "body": "<p>正文</p>", "expected_minutes": 10}
    values.update(kw)
    return StudyItem.objects.create(
        hospital=hospital, branch=branch, topic=topic, title=title, **values
    )


def denied_and_audited(response, username: str) -> None:
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="denied", username=username, success=False).exists()


# --- my study ---------------------------------------------------------------------------------------


def test_my_study_shows_my_items_hours_and_log(client_for, demo):
    response = client_for("member").get(reverse("study:mine"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "学习学时" in text and "党的二十届三中全会精神学习要点" in text
    assert "医德医风专题教育片" in text and "待确认" in text
    assert 'role="progressbar"' in text
    assert "必学" in text


def test_the_separated_roles_get_403_on_study_pages(client_for, demo):
    item = StudyItem.objects.filter(hospital=demo).first()
    for role in SEPARATED:
        client = client_for(role)
        for url in (
            reverse("study:mine"),
            reverse("study:items"),
            reverse("study:item", args=[item.pk]),
            reverse("study:hours"),
            reverse("study:exams"),
            reverse("study:questions"),
        ):
            denied_and_audited(client.get(url), role)


def test_anonymous_users_are_sent_to_log_in(client_for, demo):
    response = client_for("anonymous").get(reverse("study:mine"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_a_member_cannot_open_another_branchs_item_and_another_hospitals_is_404(client_for, demo):
    theirs = item_for(demo, branch=other_branch(), title="他支部资料")
    elsewhere = item_for(second(), title="外院资料")
    member = client_for("member")
    denied_and_audited(member.get(reverse("study:item", args=[theirs.pk])), "member")
    assert member.get(reverse("study:item", args=[elsewhere.pk])).status_code == 404
    assert client_for("hosp2").get(reverse("study:item", args=[theirs.pk])).status_code == 404
    assert client_for("sec").get(reverse("study:item", args=[theirs.pk])).status_code == 403


def test_members_cannot_manage(client_for, demo):
    member = client_for("member")
    for name in ("study:items", "study:item_new", "study:review", "study:hours", "study:rules"):
        denied_and_audited(member.get(reverse(name)), "member")


# --- reading to the end -----------------------------------------------------------------------------


def test_the_article_page_carries_the_read_to_end_script_and_the_server_checks_the_time(
    client_for, demo
):
    me = person_of("member")
    item = item_for(demo, title="新文章")
    client = client_for("member")
    page = client.get(reverse("study:item", args=[item.pk])).content.decode()
    assert "hongfan/study-read.js" in page and 'name="token"' in page
    assert 'data-min-seconds="' in page
    url = reverse("study:item_read", args=[item.pk])
    fresh = item_services.read_token(item_id=item.pk, person_id=me.pk)
    before = study_state()
    response = client.post(url, {"token": fresh}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400 and "阅读时间不足" in response.json()["detail"]
    assert study_state() == before
    aged = item_services.read_token(item_id=item.pk, person_id=me.pk, opened_at=time.time() - 90)
    response = client.post(url, {"token": aged}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and response.json()["finished"]
    assert StudyCompletion.objects.filter(person=me, item=item).exists()


def test_without_javascript_the_read_form_redirects_with_a_message(client_for, demo):
    me = person_of("member")
    item = item_for(demo, title="无脚本")
    response = client_for("member").post(
        reverse("study:item_read", args=[item.pk]), {"token": "bad"}, follow=True
    )
    assert "阅读凭证无效" in response.content.decode()
    assert not StudyCompletion.objects.filter(person=me, item=item).exists()


# --- documents --------------------------------------------------------------------------------------


def test_documents_are_served_only_through_the_access_checked_view(client_for, demo, media):
    sec = client_for("sec")
    response = sec.post(
        reverse("study:item_new"),
        {
            "kind": "document",
            "title": "支部学习文件",
            "topic": "党的理论学习",
            "branch": sec_branch().pk,
            "document": upload("学习文件.pdf", PDF),
            "expected_minutes": "30",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    item = StudyItem.objects.get(title="支部学习文件")
    url = reverse("study:item_document", args=[item.pk])
    got = client_for("member").get(url)
    assert got.status_code == 200 and got["Content-Type"] == "application/pdf"
    assert b"".join(got.streaming_content) == PDF
    assert "no-store" in got["Cache-Control"]
    # a PDF is downloaded, never shown inline; the browser may not guess another type
    assert got["X-Content-Type-Options"] == "nosniff"
    assert got["Content-Disposition"] == (
        f'attachment; filename="study-{item.pk}.pdf"; '
        "filename*=UTF-8''%E6%94%AF%E9%83%A8%E5%AD%A6%E4%B9%A0%E6%96%87%E4%BB%B6.pdf"
    )
    assert client_for("hosp2").get(url).status_code == 404
    assert not item.document.url.startswith("/static/")


def test_a_fake_document_is_refused_on_the_form(client_for, demo, media):
    before = study_state()
    response = client_for("hosp").post(
        reverse("study:item_new"),
        {
            "kind": "document",
            "title": "伪装文件",
            "topic": "x",
            "document": upload("a.pdf", b"MZ\x90\x00exe"),
            "expected_minutes": "30",
        },
    )
    assert response.status_code == 200 and "只能上传PDF或Word" in response.content.decode()
    assert study_state() == before


# --- publishing and the review queue ----------------------------------------------------------------


def test_a_secretary_publishes_to_their_branch_and_a_member_logs_and_the_secretary_confirms(
    client_for, demo
):
    sec = client_for("sec")
    assert sec.get(reverse("study:item_new")).status_code == 200
    response = sec.post(
        reverse("study:item_new"),
        {
            "kind": "video",
            "title": "支部视频",
            "topic": "医德医风",
            "branch": sec_branch().pk,
            "video_url": "https://www.12371.cn/v.mp4",
            "expected_minutes": "25",
            "required": "on",
        },
    )
    item = StudyItem.objects.get(title="支部视频")
    assert response.status_code == 302 and item.branch == sec_branch() and item.required
    member = client_for("member")
    response = member.post(
        reverse("study:log_new", args=[item.pk]),
        {"minutes": "25", "studied_on": demo_today(), "note": "观看完毕"},
    )
    assert response.status_code == 302
    log = StudyLog.objects.get(item=item)
    assert log.status == "pending"
    page = sec.get(reverse("study:review")).content.decode()
    assert "支部视频" in page
    response = sec.post(
        reverse("study:log_decide", args=[log.pk]), {"action": "confirm"}, follow=True
    )
    log.refresh_from_db()
    assert log.status == "confirmed"
    assert StudyCompletion.objects.filter(item=item, person=person_of("member")).exists()
    assert "已确认" in response.content.decode()


def demo_today() -> str:
    from hongfan.core.dates import today

    return today().isoformat()


def test_a_secretary_cannot_publish_to_the_hospital_or_another_branch(client_for, demo):
    before = study_state()
    response = client_for("sec").post(
        reverse("study:item_new"),
        {
            "kind": "article",
            "title": "越权",
            "topic": "x",
            "branch": other_branch().pk,
            "body": "正文",
            "expected_minutes": "10",
        },
    )
    assert response.status_code == 200  # the choice is not offered: the form says so
    assert study_state() == before


def test_bad_input_on_forms_is_a_message_not_a_500(client_for, demo):
    hosp = client_for("hosp")
    for data in (
        {"kind": "article", "title": "", "topic": "", "expected_minutes": "abc"},
        {"kind": "hack", "title": "x" * 300, "topic": "t", "expected_minutes": "-1"},
        {
            "kind": "video",
            "title": "视频",
            "topic": "t",
            "video_url": "ftp://x",
            "expected_minutes": "5",
        },
    ):
        before = study_state()
        assert hosp.post(reverse("study:item_new"), data).status_code == 200
        assert study_state() == before
    assert hosp.get(reverse("study:hours") + "?year=abc&branch=zz").status_code == 200
    assert hosp.get(reverse("study:questions") + "?topic=x&difficulty=9&kind=zz").status_code == 200
    item = StudyItem.objects.filter(hospital=demo).first()
    response = client_for("member").post(
        reverse("study:log_new", args=[item.pk]), {"minutes": "很多", "studied_on": "昨天"}
    )
    assert response.status_code == 200


# --- hours --------------------------------------------------------------------------------------------


def test_hours_tables_by_role(client_for, demo):
    assert client_for("hosp").get(reverse("study:hours")).status_code == 200
    assert (
        client_for("city").get(reverse("study:hours") + f"?hospital={demo.pk}").status_code == 200
    )
    page = client_for("sec").get(reverse("study:hours")).content.decode()
    assert sec_branch().name in page
    assert (
        client_for("hosp2").get(reverse("study:hours") + f"?hospital={demo.pk}").status_code == 404
    )
    response = client_for("sec").get(reverse("study:hours") + f"?branch={other_branch().pk}")
    denied_and_audited(response, "sec")


def test_the_hours_export_is_an_audited_formula_escaped_spreadsheet(client_for, demo):
    make_person(demo, branch=sec_branch(), political_status="member", name="=HYPERLINK(1)")
    before = AuditEvent.objects.filter(action="export").count()
    response = client_for("sec").get(reverse("study:hours_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    names = [row[0].value for row in wb.active.iter_rows(min_row=2)]
    assert "'=HYPERLINK(1)" in names and "=HYPERLINK(1)" not in names
    assert AuditEvent.objects.filter(action="export").count() == before + 1
    event = AuditEvent.objects.filter(action="export").order_by("-pk").first()
    assert event.detail["what"] == "study_hours" and event.detail["branch"] == sec_branch().pk


# --- the city's rules ------------------------------------------------------------------------------------


def test_the_city_admin_changes_the_targets_and_others_cannot(client_for, demo):
    city = client_for("city")
    assert city.get(reverse("study:rules")).status_code == 200
    response = city.post(
        reverse("study:rules"),
        {
            "effective_from": "2031-01-01",
            "member_target_hours": "36",
            "committee_target_hours": "60",
            "read_min_seconds": "60",
        },
    )
    assert response.status_code == 302
    denied_and_audited(client_for("hosp").get(reverse("study:rules")), "hosp")


# --- question bank ---------------------------------------------------------------------------------------


def test_the_import_page_lists_row_errors_and_imports_nothing(client_for, demo):
    hosp = client_for("hosp")
    assert hosp.get(reverse("study:question_import")).status_code == 200
    assert hosp.get(reverse("study:question_template")).status_code == 200
    bad = xlsx([["单选题", "新主题", "1", "坏题", "甲", "乙", "", "", "", ""]])
    before = study_state()
    response = hosp.post(reverse("study:question_import"), {"file": upload("题库.xlsx", bad)})
    text = response.content.decode()
    assert response.status_code == 200 and "第 2 行" in text and "请填写正确答案" in text
    assert study_state() == before
    good = xlsx([["单选题", "新主题", "1", "好题", "甲", "乙", "", "", "B", ""]])
    response = hosp.post(reverse("study:question_import"), {"file": upload("题库.xlsx", good)})
    assert response.status_code == 302
    denied_and_audited(client_for("sec").get(reverse("study:question_import")), "sec")


# --- an exam through the pages ---------------------------------------------------------------------------


def test_a_member_takes_the_demo_exam_on_the_phone_pages(client_for, demo):
    exam = Exam.objects.filter(hospital=demo).latest("closes_at")  # the open one
    member = client_for("member")
    assert exam.title in member.get(reverse("study:exams")).content.decode()
    response = member.post(reverse("study:exam_start", args=[exam.pk]))
    attempt = ExamAttempt.objects.get(exam=exam, person=person_of("member"))
    assert response["Location"] == reverse("study:attempt", args=[attempt.pk])
    page = member.get(response["Location"]).content.decode()
    assert 'id="countdown"' in page and "交卷" in page
    rows = list(attempt.questions.select_related("question"))
    assert all(r.question.explanation not in page for r in rows if r.question.explanation)
    data = {f"q{r.pk}": list(r.question.answer) for r in rows}
    response = member.post(reverse("study:attempt_submit", args=[attempt.pk]), data, follow=True)
    text = response.content.decode()
    assert 'id="score"' in text and "100" in text and "解析" in text
    again = member.post(reverse("study:attempt_submit", args=[attempt.pk]), {}, follow=True)
    assert "不能重复提交" in again.content.decode()
    attempt.refresh_from_db()
    assert attempt.score == 100


def test_someone_elses_attempt_is_403_in_the_hospital_and_404_elsewhere(client_for, demo):
    exam = Exam.objects.filter(hospital=demo).latest("closes_at")  # the open one
    client_for("member").post(reverse("study:exam_start", args=[exam.pk]))
    attempt = ExamAttempt.objects.get(exam=exam, person=person_of("member"))
    url = reverse("study:attempt", args=[attempt.pk])
    assert client_for("sec").get(url).status_code == 200  # their secretary reads it
    assert client_for("hosp2").get(url).status_code == 404
    before = study_state()
    response = client_for("sec").post(reverse("study:attempt_submit", args=[attempt.pk]), {})
    denied_and_audited(response, "sec")
    assert study_state() == before


def test_exam_statistics_for_managers_only(client_for, demo):
    exam = Exam.objects.filter(hospital=demo).latest("closes_at")  # the open one
    url = reverse("study:exam_stats", args=[exam.pk])
    assert client_for("hosp").get(url).status_code == 200
    assert client_for("sec").get(url).status_code == 200
    assert client_for("city").get(url).status_code == 200
    denied_and_audited(client_for("member").get(url), "member")
    assert client_for("hosp2").get(url).status_code == 404


def test_an_admin_creates_an_exam_through_the_form(client_for, demo):
    response = client_for("hosp").post(
        reverse("study:exam_new"),
        {
            "title": "新考试",
            "count_easy": "2",
            "count_medium": "2",
            "count_hard": "1",
            "time_limit_minutes": "10",
            "pass_mark": "60",
            "max_attempts": "2",
            "opens_at": "2026-01-01T08:00",
            "closes_at": "2099-01-01T08:00",
        },
    )
    assert response.status_code == 302
    before = study_state()
    response = client_for("hosp").post(
        reverse("study:exam_new"),
        {"title": "坏考试", "count_easy": "999", "opens_at": "not a date"},
    )
    assert response.status_code == 200 and study_state() == before


def test_the_demo_is_idempotent(demo):
    count = StudyItem.objects.filter(hospital=demo).count()
    assert build_study_demo(demo) == 0
    assert StudyItem.objects.filter(hospital=demo).count() == count


def test_my_study_page_takes_fewer_queries_and_counts_the_open_exams(
    client_for, django_assert_max_num_queries
):
    """我的学习: the 答题 badge is one COUNT of the open exams (not every exam and attempt
    loaded), and a member's target asks the committee seats for them only."""
    from django.utils import timezone as tz

    from hongfan.accounts.models import User as UserModel
    from hongfan.study.models import Exam
    from hongfan.study.selectors.hours import committee_people, my_hours

    member = UserModel.objects.get(username="member")
    person = member.person
    client = client_for("member")
    client.get(reverse("study:mine"))  # warm the per-process memos
    # 19 before round 1, 18 before round 2, 14 before round 4 (my_hours: 5 → 1)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("study:mine"))
    assert response.status_code == 200
    now = tz.now()
    open_now = [
        e
        for e in Exam.objects.filter(hospital_id=person.hospital_id)
        if (e.branch_id is None or e.branch_id == person.branch_id)
        and e.opens_at <= now < e.closes_at
    ]
    assert response.context["open_exams"] == len(open_now)
    hours = response.context["hours"]
    committee = person.pk in committee_people(hospital_id=person.hospital_id)
    assert hours.committee == committee
    assert hours == my_hours(person, response.context["year"])
