"""Study material: publishing (sanitised articles, video links, documents kept by their
content), withdrawing, reading an article to the end, and the points a finished item earns
(once, through points_award)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from hongfan.core.dates import today
from hongfan.points.models import PointEntry, PointRule
from hongfan.study.choices import ItemKind, LogStatus
from hongfan.study.models import StudyCompletion, StudyItem, StudyLog, StudyRule
from hongfan.study.services import items as item_services
from hongfan.study.services import logs as log_services
from hongfan.study.tests.conftest import PDF, docx_bytes, refused, study_state, upload

pytestmark = pytest.mark.django_db


# --- publishing ------------------------------------------------------------------------------------


def test_article_html_is_sanitised_with_a_small_allow_list(world):
    item = world.item(
        body='<h3>要点</h3><p onclick="x()">正文<script>alert(1)</script></p>'
        '<a href="javascript:alert(1)">坏链接</a><a href="https://www.12371.cn/">共产党员网</a>'
        '<img src="x" onerror="y()"><iframe src="https://evil"></iframe>'
    )
    assert "<script" not in item.body and "onclick" not in item.body
    assert "javascript:" not in item.body and "<img" not in item.body and "<iframe" not in item.body
    assert "<h3>要点</h3>" in item.body
    assert 'href="https://www.12371.cn/"' in item.body and "noopener" in item.body


def test_plain_text_becomes_paragraphs(world):
    item = world.item(body="第一段 <不是标签\n\n第二段")
    assert item.body == "<p>第一段 &lt;不是标签</p><p>第二段</p>"


def test_an_article_with_nothing_left_after_cleaning_is_refused(world):
    refused(lambda: world.item(body="<script>alert(1)</script>"), says="请填写文章正文")


def test_a_video_needs_an_http_link(world):
    refused(
        lambda: world.item(kind=ItemKind.VIDEO, body="", video_url="javascript:alert(1)"),
        says="视频链接应以",
    )
    item = world.item(kind=ItemKind.VIDEO, body="", video_url="https://www.12371.cn/v/1.mp4")
    assert item.video_url == "https://www.12371.cn/v/1.mp4" and item.body == ""


@pytest.mark.parametrize(
    "name,data,kind", [("条例.pdf", PDF, "pdf"), ("学习材料.docx", docx_bytes(), "docx")]
)
def test_pdf_and_docx_documents_are_kept_privately_by_their_content(world, media, name, data, kind):
    item = world.item(kind=ItemKind.DOCUMENT, body="", document=upload(name, data))
    assert item.document_type == kind and item.document_size == len(data)
    assert item.document.name.startswith("study/") and item.document.name.endswith(f".{kind}")
    assert name not in item.document.name  # a name of our own
    assert (media / item.document.name).read_bytes() == data


@pytest.mark.parametrize(
    "name,data",
    [
        ("伪装.pdf", b"MZ\x90\x00 not a pdf at all"),
        ("伪装.docx", b"PK\x03\x04 but no zip inside"),
        ("图片.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 50),
        ("空.pdf", b""),
    ],
)
def test_a_document_that_is_not_really_pdf_or_docx_is_refused(world, media, name, data):
    refused(
        lambda: world.item(kind=ItemKind.DOCUMENT, body="", document=upload(name, data)),
        says="文档",
    )
    assert not any(media.rglob("*.*"))


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("evil.html", PDF + b"<html><script>alert(1)</script></html>", "扩展名为.html"),
        ("evil.svg", PDF, "扩展名为.svg"),
        ("条例.docx", PDF, "文件扩展名是.docx，内容却是PDF文档"),
        ("学习材料.pdf", docx_bytes(), "文件扩展名是.pdf，内容却是Word文档"),
    ],
)
def test_a_document_whose_name_says_another_type_is_refused(world, media, name, data, says):
    refused(
        lambda: world.item(kind=ItemKind.DOCUMENT, body="", document=upload(name, data)),
        says=says,
    )
    assert not any(media.rglob("*.*"))


def test_a_document_over_the_size_limit_is_refused(world, media, settings):
    settings.STUDY_DOCUMENT_MAX_BYTES = 1024
    refused(
        lambda: world.item(
            kind=ItemKind.DOCUMENT, body="", document=upload("大.pdf", PDF + b"0" * 2000)
        ),
        says="文档不能超过",
    )


def test_the_hospital_admin_publishes_to_the_hospital_or_any_branch(world):
    assert world.item().branch is None
    assert world.item(branch=world.branch_b).branch == world.branch_b


def test_a_secretary_publishes_to_their_branch_only(world):
    assert world.item(access=world.sec, branch=world.branch_a).branch == world.branch_a
    refused(
        lambda: world.item(access=world.sec, branch=None),
        says="由医院党委发布",
        exc=PermissionDenied,
    )
    refused(
        lambda: world.item(access=world.sec, branch=world.branch_b),
        says="只能向本支部发布",
        exc=PermissionDenied,
    )


def test_a_member_cannot_publish(world):
    member = world.member(world.a[1])
    refused(lambda: world.item(access=member, branch=world.branch_a), says="", exc=PermissionDenied)


def test_bad_fields_are_all_reported_and_nothing_is_stored(world):
    before = study_state()
    with pytest.raises(ValidationError) as info:
        world.item(
            title="",
            topic="",
            expected_minutes=0,
            due_on=today() - timedelta(days=1),
            kind="podcast",
        )
    assert set(info.value.message_dict) >= {"title", "topic", "expected_minutes", "due_on", "kind"}
    assert study_state() == before


def test_topics_are_reused_by_name(world):
    a = world.item(topic=" 医德医风 ")
    b = world.item(topic="医德医风")
    assert a.topic_id == b.topic_id and a.topic.name == "医德医风"


def test_withdrawing_hides_an_item_but_keeps_what_was_studied(world):
    member = world.member(world.a[1])
    item = world.item()
    log = log_services.log_submit(access=member, item=item, minutes=15, studied_on=today())
    item_services.item_withdraw(access=world.admin, item=item)
    item.refresh_from_db()
    assert item.withdrawn_at is not None
    assert StudyLog.objects.filter(pk=log.pk).exists()
    refused(lambda: item_services.item_withdraw(access=world.admin, item=item), says="已撤回")
    refused(
        lambda: log_services.log_submit(access=member, item=item, minutes=5, studied_on=today()),
        says="已撤回",
    )


# --- reading to the end ------------------------------------------------------------------------------


def read(world, person, item, *, seconds_ago: float, token_person=None, token_item=None):
    opened = time.time() - seconds_ago
    token = item_services.read_token(
        item_id=(token_item or item).pk, person_id=(token_person or person).pk, opened_at=opened
    )
    return item_services.read_complete(access=world.member(person), item=item, token=token)


def test_reading_an_article_to_the_end_after_the_minimum_time_finishes_it(world):
    person = world.a[1]
    item = world.item(expected_minutes=20)
    done = read(world, person, item, seconds_ago=125)
    assert done.created
    log = StudyLog.objects.get(person=person, item=item)
    assert (log.status, log.method, log.minutes) == (LogStatus.CONFIRMED, "read", 20)
    assert done.completion.points_entry is not None


def test_reading_credits_the_minutes_the_item_states_not_the_seconds_on_the_page(world):
    """The item says 约20分钟; finishing it after the least reading time credits those 20
    minutes (it credited 2: the minutes the page happened to be open)."""
    item = world.item(expected_minutes=20)
    done = read(world, world.a[1], item, seconds_ago=61)
    assert StudyLog.objects.get(item=item).minutes == 20
    assert "计入学习时长20分钟" in done.message


def test_a_bot_posting_at_once_is_refused(world):
    item = world.item(expected_minutes=20)
    refused(lambda: read(world, world.a[1], item, seconds_ago=2), says="阅读时间不足")
    refused(lambda: read(world, world.a[1], item, seconds_ago=59), says="至少需要阅读60秒")


def test_the_minimum_is_the_smaller_of_the_rule_and_the_expected_minutes(world, demo_authority):
    StudyRule.objects.create(
        authority=demo_authority, effective_from=today() - timedelta(days=1), read_min_seconds=300
    )
    item = world.item(expected_minutes=2)
    assert item_services.read_min_seconds(item) == 120
    refused(lambda: read(world, world.a[1], item, seconds_ago=100), says="至少需要阅读120秒")
    assert read(world, world.a[1], item, seconds_ago=121).created


def test_the_time_read_counts_at_most_the_expected_minutes(world):
    item = world.item(expected_minutes=5)
    read(world, world.a[1], item, seconds_ago=3 * 3600)
    assert StudyLog.objects.get(item=item).minutes == 5


def test_a_forged_or_anothers_or_another_items_token_is_refused(world):
    item, other_item = world.item(), world.item()
    person = world.a[1]
    member = world.member(person)
    refused(
        lambda: item_services.read_complete(access=member, item=item, token="forged:token"),
        says="阅读凭证无效",
    )
    refused(
        lambda: read(world, person, item, seconds_ago=100, token_person=world.a[2]),
        says="与当前资料不符",
    )
    refused(
        lambda: read(world, person, item, seconds_ago=100, token_item=other_item),
        says="与当前资料不符",
    )
    refused(lambda: read(world, person, item, seconds_ago=13 * 3600), says="请刷新页面")


def test_reading_again_neither_pays_nor_logs_twice(world):
    item = world.item()
    person = world.a[1]
    assert read(world, person, item, seconds_ago=100).created
    again = read(world, person, item, seconds_ago=100)
    assert not again.created and "此前已完成" in again.message
    assert StudyLog.objects.filter(item=item).count() == 1
    assert (
        PointEntry.objects.filter(source_type="study", source_id=f"{item.pk}-{person.pk}").count()
        == 1
    )


def test_only_articles_finish_by_reading(world):
    video = world.item(kind=ItemKind.VIDEO, body="", video_url="https://example.org/v")
    refused(lambda: read(world, world.a[1], video, seconds_ago=100), says="只有文章")


def test_points_are_awarded_once_per_member_and_item_even_after_a_confirmation(world):
    person = world.a[1]
    member = world.member(person)
    item = world.item()
    log = log_services.log_submit(access=member, item=item, minutes=10, studied_on=today())
    decision = log_services.log_decide(access=world.sec, log=log, confirm=True)
    assert decision.finished is not None and decision.finished.created
    again = read(world, person, item, seconds_ago=100)
    assert not again.created
    assert StudyCompletion.objects.filter(person=person, item=item).count() == 1
    assert PointEntry.objects.filter(person=person, source_type="study").count() == 1
    assert StudyLog.objects.filter(person=person, item=item, status="confirmed").count() == 1


def test_a_hospital_without_the_study_rule_gives_no_points_and_says_so(world):
    PointRule.objects.filter(hospital=world.hospital, code="STUDY-ITEM").update(active=False)
    before = PointEntry.objects.count()
    done = read(world, world.a[1], world.item(), seconds_ago=100)
    assert done.created and done.completion.points_entry is None
    assert "未启用" in done.completion.points_note and "未启用" in done.message
    assert PointEntry.objects.count() == before


def test_the_daily_cap_of_the_rule_is_respected_and_said(world):
    person = world.a[1]
    items = [world.item() for _ in range(7)]
    notes = [read(world, person, i, seconds_ago=100).completion.points_note for i in items]
    total = sum(e.points for e in PointEntry.objects.filter(person=person, source_type="study"))
    assert total == 5  # STUDY-ITEM: 1 point, at most 5 a day
    assert any("上限" in n for n in notes)


def test_another_hospitals_item_is_a_404_for_a_member(world):
    from hongfan.org.tests.factories import primary
    from hongfan.study.selectors.items import item_get

    other = StudyItem.objects.create(
        hospital=primary(),
        topic=world.item().topic.__class__.objects.create(hospital=primary(), name="外院主题"),
        kind=ItemKind.ARTICLE,
        title="外院资料",
        body="<p>x</p>",
    )
    with pytest.raises(Http404):
        item_get(access=world.member(world.a[1]), pk=other.pk)
