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
from hongfan.study.models import ExamAttempt, StudyCompletion, StudyItem, StudyRule, StudyTopic

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
    with page.expect_navigation():
        page.locator("#my-exams button", has_text="开始答题").first.click()
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
