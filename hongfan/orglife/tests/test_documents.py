"""Word exports of 组织生活: one meeting's record, the branch's 支部工作记录本 of a year, and
who may download them."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from urllib.parse import unquote

import docx
import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hongfan.accounts.models import User
from hongfan.core.access import Access, access_for
from hongfan.core.dates import today
from hongfan.core.docx import TABLE_FONT
from hongfan.core.exports import DOCX_CONTENT_TYPE
from hongfan.core.models import AuditAction, AuditEvent
from hongfan.org.choices import PersonStatus
from hongfan.org.models import Branch, Person
from hongfan.org.tests.factories import sec_branch
from hongfan.orglife.choices import AttendanceStatus, Grade, MeetingKind
from hongfan.orglife.documents.meetings import NOT_HELD, meeting_docx, meeting_filename
from hongfan.orglife.documents.word import minutes_blocks
from hongfan.orglife.documents.yearbook import YEARBOOK_TITLE, yearbook_docx
from hongfan.orglife.models import Meeting
from hongfan.orglife.services.appraisal import appraisal_record
from hongfan.orglife.services.attendance import attendance_mark
from hongfan.orglife.services.meetings import (
    meeting_cancel,
    meeting_close,
    meeting_schedule,
    sanitise_minutes,
)
from hongfan.orglife.tests.conftest import Unit, at

pytestmark = pytest.mark.django_db

YEAR = today().year - 1  # a whole year in the past: every meeting of it can be closed
DOCX = DOCX_CONTENT_TYPE
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MINUTES = (
    "<p>书记领学<strong>党章</strong>第一章&amp;总纲。</p>"
    "<ul><li>张医生谈体会</li><li>李护士谈体会</li></ul>"
    "<p>第一行<br>第二行</p><script>alert(1)</script>"
)


# --- helpers ------------------------------------------------------------------------------------


def hold(
    access: Access,
    branch: Branch,
    kind: str = MeetingKind.GENERAL,
    *,
    day: date | None = None,
    topic: str = "学习贯彻全会精神",
    marks: dict[Person, tuple[str, str]] | None = None,
    minutes: str = MINUTES,
    close: bool = True,
    **kw: Any,
) -> Meeting:
    """Schedule a meeting (in the past unless ``day`` is later), tick the roster, close it."""
    starts = at(day or today() - timedelta(days=2))
    people = list(Person.objects.filter(branch=branch, status=PersonStatus.ACTIVE).order_by("pk"))
    kw.setdefault("host", branch.secretary)
    kw.setdefault("recorder", people[1] if len(people) > 1 else None)
    if kind == MeetingKind.LECTURE:
        kw.setdefault("lecturer", branch.secretary)
    m = meeting_schedule(
        access=access,
        branch=branch,
        kind=kind,
        topic=topic,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=90),
        place=kw.pop("place", "党员活动室"),
        **kw,
    )
    for person, (status, reason) in (marks or {}).items():
        attendance_mark(access=access, meeting=m, person=person, status=status, reason=reason)
    if close:
        m, _notes = meeting_close(
            access=access,
            meeting=m,
            minutes=minutes,
            resolutions="一、同意某某转正",
            early=True,
        )
    return Meeting.objects.select_related(
        "branch", "party_group", "host", "recorder", "lecturer"
    ).get(pk=m.pk)


def paragraphs(content: bytes) -> list[str]:
    """Every paragraph's text, in the document's order (table cells included)."""
    body = docx.Document(io.BytesIO(content)).element.body
    return ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in body.iter(f"{W}p")]


def text_of(content: bytes) -> str:
    return "\n".join(paragraphs(content))


def row_value(content: bytes, label: str) -> str:
    """The text of the value cell beside a label of the meeting table (first table)."""
    document = docx.Document(io.BytesIO(content))
    for row in document.tables[0].rows:
        cells = row.cells
        for i, cell in enumerate(cells[:-1]):
            if cell.text == label:
                return cells[i + 1].text
    raise AssertionError(f"no row {label}")


def attachment_name(response: Any) -> str:
    header = response["Content-Disposition"]
    assert header.startswith("attachment;")
    match = re.search(r"filename\*=UTF-8''(\S+)", header)
    assert match, header
    return unquote(match.group(1))


def client_of(access: Access) -> Client:
    c = Client()
    c.force_login(User.objects.get(pk=access.user_id))
    return c


def exports(target: Any) -> int:
    return AuditEvent.objects.filter(
        action=AuditAction.EXPORT,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
    ).count()


# --- the minutes ---------------------------------------------------------------------------------


def test_minutes_html_becomes_paragraphs_and_runs_without_tags():
    blocks = minutes_blocks(sanitise_minutes(MINUTES))
    texts = [b.text for b in blocks]
    assert texts == [
        "书记领学党章第一章&总纲。",
        "• 张医生谈体会",
        "• 李护士谈体会",
        "第一行\n第二行",
    ]
    bold = [r.text for r in blocks[0].runs if r.bold]
    assert bold == ["党章"]


def test_numbered_lists_headings_and_plain_text_minutes():
    blocks = minutes_blocks("<h3>一、学习</h3><ol><li>甲</li><li><b>乙</b></li></ol>")
    assert [b.text for b in blocks] == ["一、学习", "1. 甲", "2. 乙"]
    assert all(r.bold for r in blocks[0].runs)
    nested = minutes_blocks(
        "<ul><li><p>甲</p></li><li><p>乙</p></li></ul>"
        "<blockquote><p>引文</p></blockquote>"
        "<table><tr><th>项目</th><td>内容</td></tr></table>"
    )
    assert [(b.kind, b.text) for b in nested] == [
        ("li", "• 甲"),
        ("li", "• 乙"),
        ("quote", "引文"),
        ("tr", "项目　内容"),
    ]
    plain = minutes_blocks("第一段\n\n第二段\x07")
    assert [b.text for b in plain] == ["第一段", "第二段"]


# --- one meeting ---------------------------------------------------------------------------------


def test_a_held_meeting_reads_like_the_paper_record(unit: Unit):
    on_leave, absent = unit.full[3], unit.full[4]
    m = hold(
        unit.sec,
        unit.branch,
        topic="学习党的二十届四中全会精神",
        marks={
            unit.full[0]: (AttendanceStatus.PRESENT, ""),
            unit.full[1]: (AttendanceStatus.PRESENT, ""),
            unit.full[2]: (AttendanceStatus.PRESENT, ""),
            unit.probationary: (AttendanceStatus.PRESENT, ""),
            on_leave: (AttendanceStatus.LEAVE, "外出进修"),
        },
    )
    content = meeting_docx(m)
    text = text_of(content)
    assert content[:2] == b"PK"
    assert f"{unit.branch.name}支部党员大会记录" in paragraphs(content)
    assert "学习党的二十届四中全会精神" in row_value(content, "会议主题")
    assert row_value(content, "地点") == "党员活动室"
    assert row_value(content, "主持人") == unit.full[0].name
    assert row_value(content, "应到人数") == "6人"
    assert row_value(content, "实到人数") == "4人"
    assert row_value(content, "请假人数") == "1人"
    assert row_value(content, "缺席人数") == "1人"
    present = row_value(content, "出席人员")
    for p in (*unit.full[:3], unit.probationary):
        assert p.name in present
    assert row_value(content, "请假人员") == f"{on_leave.name}（外出进修）"
    assert row_value(content, "缺席人员") == absent.name
    # 5 full members vote; 3 of them came.
    assert row_value(content, "法定人数") == "应到有表决权5人，实到3人，达到法定人数"
    minutes = row_value(content, "会议内容")
    assert "书记领学党章第一章&总纲。" in minutes
    assert "• 张医生谈体会" in minutes
    assert "第一行" in minutes and "第二行" in minutes
    assert "一、同意某某转正" in row_value(content, "决议事项")
    assert "主持人签字" in text and "记录人签字" in text
    assert not re.search(r"<\s*/?\s*[a-z]+", text), "raw HTML in the document"
    assert "alert" not in text
    assert NOT_HELD not in text
    assert meeting_filename(m) == f"{m.day:%Y-%m-%d}_支部党员大会记录.docx"


def test_bold_minutes_are_bold_runs(unit: Unit):
    m = hold(unit.sec, unit.branch)
    document = docx.Document(io.BytesIO(meeting_docx(m)))
    runs = [
        r
        for t in document.tables
        for row in t.rows
        for c in row.cells
        for p in c.paragraphs
        for r in p.runs
    ]
    assert any(r.text == "党章" and r.bold for r in runs)
    east_asia = runs[0]._element.rPr.rFonts.get(f"{W}eastAsia")
    assert east_asia == TABLE_FONT


def test_a_meeting_without_quorum_says_so_and_a_lecture_names_its_lecturer(unit: Unit):
    m = hold(unit.sec, unit.branch, marks={unit.full[0]: (AttendanceStatus.PRESENT, "")})
    assert row_value(meeting_docx(m), "法定人数") == ("应到有表决权5人，实到1人，未达到法定人数")
    lecture = hold(unit.sec, unit.branch, MeetingKind.LECTURE, topic="党课：守初心")
    content = meeting_docx(lecture)
    assert f"{unit.branch.name}党课记录" in paragraphs(content)
    assert row_value(content, "授课人") == unit.branch.secretary.name
    assert "法定人数" not in text_of(content)  # a lecture needs no quorum


def test_an_online_meeting_says_so(unit: Unit):
    m = hold(unit.sec, unit.branch, MeetingKind.COMMITTEE, online=True, place="腾讯会议")
    content = meeting_docx(m)
    assert row_value(content, "地点") == "腾讯会议（线上）"
    assert f"{unit.branch.name}支委会记录" in paragraphs(content)


def test_a_planned_meeting_is_a_blank_form_with_the_roster(unit: Unit):
    m = hold(unit.sec, unit.branch, day=today() + timedelta(days=7), close=False)
    content = meeting_docx(m)
    text = text_of(content)
    assert NOT_HELD in text
    roster = row_value(content, "参会名单")
    for p in unit.people:
        assert f"□{p.name}" in roster
    assert row_value(content, "实到人数") == ""
    assert row_value(content, "会议内容") == ""
    assert "应到有表决权5人，实到" in row_value(content, "法定人数")


def test_control_characters_in_a_topic_do_not_break_the_export(unit: Unit):
    m = hold(unit.sec, unit.branch, close=False)
    Meeting.objects.filter(pk=m.pk).update(topic="主题\x0b含控制字符")
    m.refresh_from_db()
    assert "主题含控制字符" in row_value(meeting_docx(m), "会议主题")


# --- the year ---------------------------------------------------------------------------------


def test_the_yearbook_prints_every_held_meeting_once_on_its_own_page(unit: Unit):
    held = [
        hold(unit.sec, unit.branch, day=date(YEAR, 3, 5), topic="三月党员大会"),
        hold(
            unit.sec, unit.branch, MeetingKind.COMMITTEE, day=date(YEAR, 3, 20), topic="三月支委会"
        ),
        hold(unit.sec, unit.branch, MeetingKind.LECTURE, day=date(YEAR, 6, 1), topic="六月党课"),
    ]
    cancelled = hold(unit.sec, unit.branch, day=date(YEAR, 7, 1), topic="七月党员大会", close=False)
    meeting_cancel(access=unit.sec, meeting=cancelled, reason="防汛值班")
    hold(unit.sec, unit.branch, day=date(YEAR + 1, 1, 5), topic="明年的会")  # another year

    content = yearbook_docx(unit.branch, YEAR)
    paras = paragraphs(content)
    text = "\n".join(paras)
    assert YEARBOOK_TITLE in paras
    assert unit.branch.name in text and unit.branch.hospital.name in text
    assert f"（{YEAR}年度）" in paras
    assert f"{YEAR}年度组织生活开展情况" in paras
    assert "目　　录" in paras
    # Each held meeting: once in the contents, once as a record (its 会议主题 row).
    for i, m in enumerate(held, start=1):
        assert paras.count(m.topic) == 2, m.topic
        assert paras.count(f"（第{i}次记录）") == 1
    # The cancelled one is listed as such and not printed; another year's is absent.
    assert paras.count("七月党员大会") == 1
    assert "已取消" in paras
    assert "明年的会" not in text
    titles = [
        f"{unit.branch.name}支部党员大会记录",
        f"{unit.branch.name}支委会记录",
        f"{unit.branch.name}党课记录",
    ]
    assert [p for p in paras if p in titles] == titles

    # A page break before every meeting's record.
    body = docx.Document(io.BytesIO(content)).element.body
    breaks_before: list[bool] = []
    seen_break = False
    for child in body.iterchildren():
        if child.tag != f"{W}p":
            continue
        if any(b.get(f"{W}type") == "page" for b in child.iter(f"{W}br")):
            seen_break = True
        own = "".join(t.text or "" for t in child.iter(f"{W}t"))
        if own in titles:
            breaks_before.append(seen_break)
            seen_break = False
    assert breaks_before == [True, True, True]


def test_the_yearbook_summary_counts_the_year(unit: Unit):
    hold(
        unit.sec,
        unit.branch,
        day=date(YEAR, 2, 10),
        topic="二月党员大会",
        marks={p: (AttendanceStatus.PRESENT, "") for p in unit.people[:3]},
    )
    content = yearbook_docx(unit.branch, YEAR, today=date(YEAR + 1, 3, 1))
    text = text_of(content)
    # 6 expected, 3 present, the rest absent (closing marks them).
    assert "全年召开会议1次，应到6人次，实到3人次，请假0人次，缺席3人次，出勤率50.0%" in text
    compliance_table = docx.Document(io.BytesIO(content)).tables[1]  # after the cover's
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in compliance_table.rows}
    # 支部党员大会: quarterly, only the first quarter done.
    assert rows["支部党员大会"][1:6] == [
        "每季度至少1次",
        "1/4",
        "3",
        "第2季度、第3季度、第4季度",
        "0",
    ]
    assert rows["支委会"][2] == "0/12"
    # Committee members from the committee of the year, the secretary apart.
    assert unit.full[0].name in text
    assert f"{unit.full[1].name}（组织委员）" in text


def test_the_yearbook_ends_with_the_appraisal_result(unit: Unit):
    appraisal_meeting = hold(
        unit.sec, unit.branch, MeetingKind.APPRAISAL, day=date(YEAR, 12, 10), topic="民主评议"
    )
    grades = {p.pk: Grade.QUALIFIED for p in unit.full}
    grades[unit.full[1].pk] = Grade.EXCELLENT
    appraisal_record(
        access=unit.sec,
        branch=unit.branch,
        year=YEAR,
        grades=grades,
        meeting=appraisal_meeting,
        final=True,
    )
    text = text_of(yearbook_docx(unit.branch, YEAR))
    assert f"{YEAR}年度民主评议党员结果" in text
    assert "参评正式党员5人，其中优秀1人，合格4人，基本合格0人，不合格0人。" in text


def test_a_draft_appraisal_is_not_printed_as_a_result(unit: Unit):
    appraisal_record(
        access=unit.sec, branch=unit.branch, year=YEAR, grades={unit.full[1].pk: Grade.EXCELLENT}
    )
    text = text_of(yearbook_docx(unit.branch, YEAR))
    assert "尚未确定等次（草稿）" in text
    assert "参评正式党员" not in text


def test_an_empty_year_still_makes_a_yearbook(unit: Unit):
    text = text_of(yearbook_docx(unit.branch, YEAR))
    assert "本年度没有组织生活记录。" in text
    assert "全年召开会议0次" in text


def test_the_yearbook_query_count_does_not_grow_with_meetings(
    unit: Unit, django_assert_max_num_queries: Callable[..., Any]
):
    def make(first: int, last: int) -> None:
        for i in range(first, last):
            hold(unit.sec, unit.branch, day=date(YEAR, 1 + i, 15), topic=f"会议{i}")

    make(0, 3)
    with CaptureQueriesContext(connection) as few:
        content = yearbook_docx(Branch.objects.get(pk=unit.branch.pk), YEAR)
    assert text_of(content).count("（第3次记录）") == 1
    make(3, 12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        content = yearbook_docx(Branch.objects.get(pk=unit.branch.pk), YEAR)
    assert text_of(content).count("（第12次记录）") == 1


# --- the views ----------------------------------------------------------------------------------


@pytest.fixture
def demo_meeting(db: Any) -> Meeting:
    """A held 支部党员大会 of the demo secretary's branch."""
    branch = sec_branch()
    access = access_for(User.objects.get(username="sec"))
    return hold(access, branch, topic="导出测试会议")


def test_the_secretary_and_the_hospital_admin_download_the_record(
    demo_meeting: Meeting, client_for: Callable[[str], Client]
):
    url = reverse("orglife:meeting_docx", args=[demo_meeting.pk])
    assert url == f"/orglife/{demo_meeting.pk}/docx/"
    for username in ("sec", "hosp", "city"):
        before = exports(demo_meeting)
        response = client_for(username).get(url)
        assert response.status_code == 200, username
        assert response["Content-Type"] == DOCX
        assert response["Cache-Control"] == "private, no-store"
        assert attachment_name(response) == f"{demo_meeting.day:%Y-%m-%d}_支部党员大会记录.docx"
        assert "导出测试会议" in text_of(response.content)
        assert exports(demo_meeting) == before + 1
    assert response["X-Content-Type-Options"] == "nosniff"
    assert 'filename="meeting.docx"' in response["Content-Disposition"]
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT).order_by("-pk").first()
    assert event is not None and event.username == "city"
    assert event.hospital_id == demo_meeting.hospital_id
    assert event.detail == {
        "kind": "meeting_docx",
        "status": demo_meeting.status,
        "file": f"{demo_meeting.day:%Y-%m-%d}_支部党员大会记录.docx",
    }


@pytest.mark.parametrize(
    ("username", "status"),
    [("member", 403), ("hosp2", 404), ("audit", 403), ("anonymous", 302)],
)
def test_others_cannot_download_the_record(
    demo_meeting: Meeting, client_for: Callable[[str], Client], username: str, status: int
):
    before = AuditEvent.objects.filter(action=AuditAction.EXPORT).count()
    response = client_for(username).get(reverse("orglife:meeting_docx", args=[demo_meeting.pk]))
    assert response.status_code == status
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == before


def test_another_branchs_secretary_cannot_download_the_record(unit: Unit):
    m = hold(unit.sec, unit.branch)
    response = client_of(unit.other_sec).get(reverse("orglife:meeting_docx", args=[m.pk]))
    assert response.status_code == 403


def test_a_missing_meeting_is_a_404(client_for: Callable[[str], Client]):
    response = client_for("sec").get(reverse("orglife:meeting_docx", args=[10**9]))
    assert response.status_code == 404


def test_a_cancelled_meeting_is_refused_with_a_message(unit: Unit):
    m = hold(unit.sec, unit.branch, day=today() + timedelta(days=3), close=False)
    meeting_cancel(access=unit.sec, meeting=m, reason="临时任务")
    response = client_of(unit.sec).get(reverse("orglife:meeting_docx", args=[m.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("orglife:meeting", args=[m.pk])
    assert "会议已取消" in " ".join(str(x) for x in get_messages(response.wsgi_request))
    assert exports(m) == 0


def test_a_planned_meeting_downloads_as_a_blank_form(unit: Unit):
    m = hold(unit.sec, unit.branch, day=today() + timedelta(days=3), close=False)
    response = client_of(unit.sec).get(reverse("orglife:meeting_docx", args=[m.pk]))
    assert response.status_code == 200
    assert NOT_HELD in text_of(response.content)


def test_the_yearbook_is_for_the_branchs_managers_and_the_city(
    demo_meeting: Meeting, client_for: Callable[[str], Client]
):
    branch = demo_meeting.branch
    year = demo_meeting.day.year
    url = reverse("orglife:yearbook_docx", args=[branch.pk, year])
    assert url == f"/orglife/branches/{branch.pk}/yearbook/{year}/"
    for username in ("sec", "hosp", "city"):
        before = exports(branch)
        response = client_for(username).get(url)
        assert response.status_code == 200, username
        assert response["Content-Type"] == DOCX
        assert response["Cache-Control"] == "private, no-store"
        assert attachment_name(response) == f"{branch.name}{year}年支部工作记录本.docx"
        assert "导出测试会议" in text_of(response.content)
        assert exports(branch) == before + 1
    assert response["X-Content-Type-Options"] == "nosniff"
    assert f'filename="yearbook_{year}.docx"' in response["Content-Disposition"]
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT).order_by("-pk").first()
    assert event is not None and event.username == "city" and event.target_id == str(branch.pk)
    assert event.hospital_id == branch.hospital_id
    assert event.detail == {
        "kind": "yearbook_docx",
        "year": year,
        "file": f"{branch.name}{year}年支部工作记录本.docx",
    }
    for username, status in (("member", 403), ("hosp2", 404), ("audit", 403)):
        before = exports(branch)
        assert client_for(username).get(url).status_code == status, username
        assert exports(branch) == before


@pytest.mark.parametrize("year", [1999, today().year + 2])
def test_a_yearbook_of_an_unlikely_year_is_a_404(client_for: Callable[[str], Client], year: int):
    url = reverse("orglife:yearbook_docx", args=[sec_branch().pk, year])
    assert client_for("sec").get(url).status_code == 404


def test_next_years_yearbook_is_allowed(client_for: Callable[[str], Client]):
    url = reverse("orglife:yearbook_docx", args=[sec_branch().pk, today().year + 1])
    assert client_for("sec").get(url).status_code == 200


# --- issue 10: minutes typed with Enter keep their lines ------------------------------------


EDITOR_LINES = (
    "一、传达上级精神<div>二、学习党章第三章</div><div><br></div><div>三、布置下月工作</div>"
)


def test_minutes_typed_with_enter_keep_their_lines_on_the_page_and_in_the_word_record(
    unit: Unit,
):
    """The browser's editor writes each line after Enter as a <div>: the sanitiser keeps
    them, the page shows three lines and the Word record three paragraphs."""
    clean = sanitise_minutes(EDITOR_LINES)
    assert clean.count("<div>") == 3, clean
    m = hold(unit.sec, unit.branch, minutes=EDITOR_LINES, day=date(YEAR, 5, 12))
    page = Client()
    page.force_login(User.objects.get(pk=unit.sec.user_id))
    html = page.get(reverse("orglife:meeting", args=[m.pk])).content.decode()
    assert "一、传达上级精神<div>二、学习党章第三章</div>" in html
    texts = [b.text for b in minutes_blocks(m.minutes)]
    assert texts == ["一、传达上级精神", "二、学习党章第三章", "三、布置下月工作"]
    document = docx.Document(io.BytesIO(meeting_docx(m)))
    cell = next(
        row.cells[1]
        for table in document.tables
        for row in table.rows
        if row.cells[0].text == "会议内容"
    )
    assert [p.text for p in cell.paragraphs] == texts


def test_plain_text_minutes_keep_their_lines_as_paragraphs():
    assert sanitise_minutes("第一项\n第二项\r\n\n第三项 & 其他") == (
        "<p>第一项</p><p>第二项</p><p>第三项 &amp; 其他</p>"
    )
    assert sanitise_minutes("第一项\x00\n第二项") == "<p>第一项</p><p>第二项</p>"
