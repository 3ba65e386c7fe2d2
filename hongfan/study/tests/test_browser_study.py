"""Real-browser check of study on a phone and a desktop: a member reads an article to its
end (the IntersectionObserver script posts the completion once the minimum time is up),
takes the exam on the countdown page, and the secretary reads the hours table.

Run with ``pytest -m browser``; screenshots land in test-artifacts/screenshots/study-*.png.
Fixtures and helpers: hongfan/core/testing/browser.py."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from hongfan.accounts.models import User
from hongfan.core.dates import today
from hongfan.core.testing.browser import DESKTOP, PHONE, horizontal_overflow, login, shot
from hongfan.org.tests.factories import primary
from hongfan.study.demo import build_study_demo
from hongfan.study.models import (
    Exam,
    ExamAttempt,
    StudyCompletion,
    StudyItem,
    StudyLog,
    StudyRule,
    StudyTopic,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def study_city(demo_city: Any) -> Any:
    hospital = primary()
    build_study_demo(hospital)
    # A short minimum so that the test need not wait a minute.
    StudyRule.objects.get_or_create(
        authority=hospital.authority,
        effective_from=today() - timedelta(days=1),
        defaults={"read_min_seconds": 10},
    )
    return demo_city


def test_a_member_reads_an_article_to_the_end_on_a_phone(study_city, open_page):
    hospital = primary()
    body = "".join(
        f"<p>第{i}段：学习贯彻党的二十届三中全会精神，推进健康优先发展。</p>" for i in range(40)
    )
    item = StudyItem.objects.create(
        hospital=hospital,
        topic=StudyTopic.objects.get(hospital=hospital, name="党的理论学习"),
        kind="article",
        title="浏览器测试文章",
        body=body,
        required=True,
        expected_minutes=1,
    )
    page = open_page(PHONE)
    login(page, study_city.url, "member")
    page.goto(f"{study_city.url}/study/")
    assert page.locator("#my-hours").is_visible()
    assert horizontal_overflow(page) == 0
    shot(page, "study-mine-phone")
    page.goto(f"{study_city.url}/study/items/{item.pk}/")
    assert horizontal_overflow(page) == 0
    page.locator("#read-end").scroll_into_view_if_needed()
    status = page.locator("#read-status")
    status.filter(has_text="已读完全文").wait_for(timeout=25_000)
    shot(page, "study-article-read-phone")
    member = User.objects.get(username="member").person
    assert StudyCompletion.objects.filter(person=member, item=item).exists()


def test_a_member_takes_the_exam_on_a_phone(study_city, open_page):
    page = open_page(PHONE)
    login(page, study_city.url, "member")
    page.goto(f"{study_city.url}/study/exams/")
    asked: list[str] = []
    page.once("dialog", lambda d: (asked.append(d.message), d.accept()))
    with page.expect_navigation():
        page.locator("#my-exams button", has_text="开始答题").first.click()
    assert "还剩" in asked[0]
    assert page.locator("#countdown").is_visible()
    assert horizontal_overflow(page) == 0
    member = User.objects.get(username="member").person
    attempt = ExamAttempt.objects.get(person=member, submitted_at__isnull=True)
    for aq in attempt.questions.select_related("question"):
        for letter in aq.question.answer:
            page.locator(f"#q{aq.pk}{letter}").check()
    shot(page, "study-exam-phone")
    page.once("dialog", lambda d: d.accept())
    with page.expect_navigation():
        page.locator("#submit-answers").click()
    assert page.locator("#score").inner_text().strip() == "100"
    assert horizontal_overflow(page) == 0
    shot(page, "study-exam-result-phone")


def test_the_secretary_reads_the_hours_table_on_a_desktop(study_city, open_page):
    page = open_page(DESKTOP)
    login(page, study_city.url, "sec")
    page.goto(f"{study_city.url}/study/hours/")
    assert page.locator("#hours-table tbody tr").count() > 3
    shot(page, "study-hours-desktop")
    phone = open_page(PHONE)
    login(phone, study_city.url, "sec")
    phone.goto(f"{study_city.url}/study/hours/")
    assert horizontal_overflow(phone) == 0
    shot(phone, "study-hours-phone")


def wav(seconds: int, rate: int = 8000) -> bytes:
    """A silent mono WAV: a media file the page's player plays (the test serves it as the
    video; Chromium plays audio-only media in a <video> element too)."""
    import io
    import wave

    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(1)
        w.setframerate(rate)
        w.writeframes(b"\x80" * rate * seconds)
    return buf.getvalue()


def test_exam_answers_survive_a_reload_on_a_phone(study_city, open_page):
    page = open_page(PHONE)
    login(page, study_city.url, "member")
    exam = Exam.objects.filter(hospital=primary()).latest("closes_at")
    page.goto(f"{study_city.url}/study/exams/{exam.pk}/")
    asked: list[str] = []
    page.once("dialog", lambda d: (asked.append(d.message), d.accept()))
    with page.expect_navigation():
        page.locator("button", has_text="开始答题").click()
    assert "还剩" in asked[0] and "次" in asked[0]
    member = User.objects.get(username="member").person
    attempt = ExamAttempt.objects.get(person=member, exam=exam, submitted_at__isnull=True)
    rows = list(attempt.questions.select_related("question").order_by("position"))
    for aq in rows[:2]:
        for letter in aq.question.answer:
            page.locator(f"#q{aq.pk}{letter}").check()
    for aq in rows[:2]:
        page.locator(
            f'fieldset[data-question="{aq.pk}"] .hf-save-status', has_text="已保存"
        ).wait_for()
    shot(page, "study-exam-saved-phone")
    before = int(page.locator("#countdown").get_attribute("data-remaining"))
    page.reload()
    for aq in rows[:2]:
        for letter in aq.question.answer:
            assert page.locator(f"#q{aq.pk}{letter}").is_checked()
    assert int(page.locator("#countdown").get_attribute("data-remaining")) <= before
    shot(page, "study-exam-after-reload-phone")
    for aq in rows[2:]:
        for letter in aq.question.answer:
            page.locator(f"#q{aq.pk}{letter}").check()
    page.once("dialog", lambda d: d.accept())
    with page.expect_navigation():
        page.locator("#submit-answers").click()
    assert page.locator("#score").inner_text().strip() == "100"
    shot(page, "study-exam-result-after-reload-phone")


def test_finishing_an_article_shows_in_my_study_at_once(study_city, open_page):
    hospital = primary()
    item = StudyItem.objects.create(
        hospital=hospital,
        topic=StudyTopic.objects.get(hospital=hospital, name="党的理论学习"),
        kind="article",
        title="浏览器测试：读完即计学时",
        body="<p>短文。</p>",
        expected_minutes=30,
    )
    page = open_page(PHONE)
    login(page, study_city.url, "member")
    page.goto(f"{study_city.url}/study/")
    hours_before = page.locator("#my-hours .fs-3").inner_text()
    page.goto(f"{study_city.url}/study/items/{item.pk}/")
    page.locator("#read-status").filter(has_text="已读完全文").wait_for(timeout=25_000)
    progress = page.locator("#my-item-progress")
    assert "已确认 30 分钟" in progress.inner_text() and "已完成" in progress.inner_text()
    assert page.locator("#log-form").count() == 0
    shot(page, "study-article-finished-phone")
    page.go_back()
    page.wait_for_load_state()
    hours_after = page.locator("#my-hours .fs-3").inner_text()
    assert float(hours_after) == float(hours_before) + 0.5
    shot(page, "study-mine-after-article-phone")


def test_a_video_watched_to_the_end_finishes_it(study_city, open_page):
    hospital = primary()
    item = StudyItem.objects.create(
        hospital=hospital,
        topic=StudyTopic.objects.get(hospital=hospital, name="党的理论学习"),
        kind="video",
        title="浏览器测试视频",
        video_url=f"{study_city.url}/media-test/lesson.webm",
        expected_minutes=1,
    )
    page = open_page(PHONE)
    page.route(
        "**/media-test/lesson.webm",
        lambda route: route.fulfill(status=200, content_type="audio/wav", body=wav(12)),
    )
    login(page, study_city.url, "member")
    page.goto(f"{study_city.url}/study/items/{item.pk}/")
    assert page.locator("#log-form").count() == 0  # watched, not typed
    page.locator("#study-video").evaluate("v => { v.muted = true; return v.play(); }")
    page.locator("#watch-status").filter(has_text="已看完视频").wait_for(timeout=40_000)
    assert "已完成" in page.locator("#my-item-progress").inner_text()
    shot(page, "study-video-finished-phone")
    member = User.objects.get(username="member").person
    log = StudyLog.objects.get(person=member, item=item)
    assert (log.method, log.minutes) == ("watch", 1)


def test_the_branch_leaderboard_and_the_citys_hours(study_city, open_page):
    page = open_page(PHONE)
    login(page, study_city.url, "member")
    page.goto(f"{study_city.url}/study/board/")
    assert page.locator("#board-me").is_visible()
    assert horizontal_overflow(page) == 0
    shot(page, "study-board-phone")
    city = open_page(DESKTOP)
    login(city, study_city.url, "city")
    city.goto(f"{study_city.url}/study/hours/")
    city.select_option("#hours-hospital", label="济宁市第二人民医院")
    with city.expect_navigation():
        city.locator("button", has_text="查看").click()
    assert "济宁市第二人民医院" in city.locator("h1").inner_text()
    shot(city, "study-hours-city-desktop")
