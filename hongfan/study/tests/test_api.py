"""The study JSON API a phone client uses."""

from __future__ import annotations

import pytest

from hongfan.accounts.models import User
from hongfan.core.dates import today
from hongfan.org.tests.factories import other_branch, primary, second
from hongfan.study.demo import build_study_demo
from hongfan.study.models import Exam, ExamAttempt, StudyItem, StudyLog, StudyTopic
from hongfan.study.tests.conftest import study_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    build_study_demo(primary())
    return primary()


def test_my_items_come_with_my_progress(client_for, demo):
    response = client_for("member").get("/api/study/items/")
    assert response.status_code == 200
    rows = {r["title"]: r for r in response.json()}
    plenum = rows["党的二十届三中全会精神学习要点"]
    assert plenum["finished"] and plenum["required"] and plenum["confirmed_minutes"] == 30
    video = rows["医德医风专题教育片"]
    assert not video["finished"] and video["pending_minutes"] == 40 and video["kind"] == "video"


def test_the_log_lists_only_my_entries_and_a_new_entry_waits_for_confirmation(client_for, demo):
    member = User.objects.get(username="member")
    client = client_for("member")
    ids = [r["id"] for r in client.get("/api/study/log/").json()["results"]]
    assert ids and set(StudyLog.objects.filter(pk__in=ids).values_list("person_id", flat=True)) == {
        member.person_id
    }
    item = StudyItem.objects.get(hospital=demo, title="《中国共产党支部工作条例（试行）》要点")
    response = client.post(
        "/api/study/log/",
        {"item": item.pk, "minutes": 15, "studied_on": today().isoformat(), "note": "学习条例"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "pending"


@pytest.mark.parametrize(
    "payload,field",
    [
        ({"minutes": 0}, "minutes"),
        ({"minutes": "很久"}, "minutes"),
        ({"studied_on": "2099-01-01"}, "studied_on"),
        ({"studied_on": "昨天"}, "studied_on"),
    ],
)
def test_bad_log_entries_are_a_400_and_change_nothing(client_for, demo, payload, field):
    item = StudyItem.objects.filter(hospital=demo, branch__isnull=True).first()
    data = {"item": item.pk, "minutes": 10, "studied_on": today().isoformat()}
    data.update(payload)
    before = study_state()
    response = client_for("member").post("/api/study/log/", data, content_type="application/json")
    assert response.status_code == 400 and field in response.json()
    assert study_state() == before


def test_logging_another_branchs_item_is_403_and_another_hospitals_404(client_for, demo):
    topic = StudyTopic.objects.get(hospital=demo, name="党的理论学习")
    theirs = StudyItem.objects.create(
        hospital=demo,
        branch=other_branch(),
        topic=topic,
        kind="article",
        title="他支部",
        body="<p>x</p>",
    )
    topic2 = StudyTopic.objects.create(hospital=second(), name="外院")
    elsewhere = StudyItem.objects.create(
        hospital=second(), topic=topic2, kind="article", title="外院", body="<p>x</p>"
    )
    client = client_for("member")
    day = today().isoformat()
    before = study_state()
    assert (
        client.post(
            "/api/study/log/",
            {"item": theirs.pk, "minutes": 5, "studied_on": day},
            content_type="application/json",
        ).status_code
        == 403
    )
    assert (
        client.post(
            "/api/study/log/",
            {"item": elsewhere.pk, "minutes": 5, "studied_on": day},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert study_state() == before


def test_start_returns_questions_without_answers_and_submit_grades(client_for, demo):
    exam = Exam.objects.filter(hospital=demo).latest("closes_at")  # the open one
    client = client_for("member")
    listed = client.get("/api/study/exams/").json()
    assert any(e["id"] == exam.pk and e["can_start"] for e in listed)
    response = client.post(f"/api/study/exams/{exam.pk}/start/")
    assert response.status_code == 201
    data = response.json()
    assert len(data["questions"]) == 10 and 0 < data["remaining_seconds"] <= 15 * 60
    for q in data["questions"]:
        assert set(q) == {"id", "position", "kind", "text", "options", "saved"}
    again = client.post(f"/api/study/exams/{exam.pk}/start/")
    assert again.status_code == 200 and again.json()["id"] == data["id"]
    attempt = ExamAttempt.objects.get(pk=data["id"])
    answers = []
    for aq in attempt.questions.select_related("question"):
        answer = aq.question.answer if aq.question.kind != "judge" else aq.question.answer_text()
        answers.append({"id": aq.pk, "answer": answer})
    result = client.post(
        f"/api/study/attempts/{attempt.pk}/submit/",
        {"answers": answers},
        content_type="application/json",
    )
    assert result.status_code == 200, result.json()
    body = result.json()
    assert body["score"] == 100 and body["passed"] and body["correct_count"] == 10
    assert all("explanation" in q and "answer" in q for q in body["questions"])
    twice = client.post(
        f"/api/study/attempts/{attempt.pk}/submit/",
        {"answers": answers},
        content_type="application/json",
    )
    assert twice.status_code == 400 and "不能重复提交" in str(twice.json())


def test_a_bad_answer_is_a_400_with_the_question_number(client_for, demo):
    exam = Exam.objects.filter(hospital=demo).latest("closes_at")  # the open one
    client = client_for("member")
    data = client.post(f"/api/study/exams/{exam.pk}/start/").json()
    first = data["questions"][0]
    before = study_state()
    response = client.post(
        f"/api/study/attempts/{data['id']}/submit/",
        {"answers": [{"id": first["id"], "answer": "Z"}]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert f"第{first['position']}题" in str(response.json())
    assert study_state() == before


def test_nobody_else_submits_my_attempt(client_for, demo):
    exam = Exam.objects.filter(hospital=demo).latest("closes_at")  # the open one
    data = client_for("member").post(f"/api/study/exams/{exam.pk}/start/").json()
    url = f"/api/study/attempts/{data['id']}/submit/"
    before = study_state()
    assert client_for("sec").post(url, {}, content_type="application/json").status_code == 403
    assert client_for("hosp2").post(url, {}, content_type="application/json").status_code == 404
    assert client_for("audit").post(url, {}, content_type="application/json").status_code == 403
    assert client_for("anonymous").post(url, {}, content_type="application/json").status_code == 403
    assert study_state() == before


def test_a_form_encoded_submit_without_answers_scores_zero(client_for, demo):
    exam = Exam.objects.filter(hospital=demo).latest("closes_at")  # the open one
    client = client_for("member")
    data = client.post(f"/api/study/exams/{exam.pk}/start/").json()
    response = client.post(f"/api/study/attempts/{data['id']}/submit/", {})
    assert response.status_code == 200 and response.json()["score"] == 0


def test_the_separated_roles_and_non_members_get_403(client_for, demo):
    for role in ("audit", "security", "sysadmin", "city", "hosp2"):
        assert client_for(role).get("/api/study/items/").status_code == 403
        assert client_for(role).get("/api/study/exams/").status_code == 403
    assert client_for("anonymous").get("/api/study/items/").status_code == 403


def test_study_endpoints_are_in_the_openapi_schema(client_for):
    schema = client_for("hosp").get("/api/schema/?format=json").json()
    for path in (
        "/api/study/items/",
        "/api/study/log/",
        "/api/study/exams/",
        "/api/study/exams/{id}/start/",
        "/api/study/attempts/{id}/submit/",
    ):
        assert path in schema["paths"], path
    assert "post" in schema["paths"]["/api/study/log/"]


def test_an_answer_saved_through_the_api_comes_back_when_the_attempt_is_reopened(client_for, demo):
    exam = Exam.objects.filter(hospital=demo).latest("closes_at")  # the open one
    client = client_for("member")
    data = client.post(f"/api/study/exams/{exam.pk}/start/").json()
    first = data["questions"][0]
    saved = client.post(
        f"/api/study/attempts/{data['id']}/answer/",
        {"id": first["id"], "answer": "A"},
        content_type="application/json",
    )
    assert saved.status_code == 200 and saved.json()["saved"] == "A"
    again = client.post(f"/api/study/exams/{exam.pk}/start/").json()
    assert again["questions"][0]["saved"] == "A"
    before = study_state()
    bad = client.post(
        f"/api/study/attempts/{data['id']}/answer/",
        {"id": 10**30, "answer": "A"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and study_state() == before, bad.json()
    assert "题目" in str(bad.json())
    other = client_for("sec").post(
        f"/api/study/attempts/{data['id']}/answer/",
        {"id": first["id"], "answer": "B"},
        content_type="application/json",
    )
    assert other.status_code == 403 and study_state() == before
