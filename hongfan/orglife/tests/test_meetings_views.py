"""Pages and API of meetings beyond the role matrix: scheduling through the form, the
meeting's page, its files (what is kept and how it is served), closing it, the people the
form offers (the lecturer searched as you type), and the meeting book with its FilterSet."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from hongfan.core.testing.images import jpeg_html_polyglot, metadata_of, phone_photo, png_bomb
from hongfan.org.models import Person
from hongfan.org.tests.factories import primary, second
from hongfan.orglife.choices import MeetingKind
from hongfan.orglife.models import Attendance, Meeting, MeetingFile
from hongfan.orglife.services.attendance import attendance_mark
from hongfan.orglife.tests.conftest import Unit, client, meeting, orglife_state

pytestmark = pytest.mark.django_db


def test_the_secretary_schedules_through_the_form_and_gets_a_roster(unit: Unit):
    c = client(unit.sec)
    day = timezone.localdate() + timedelta(days=3)
    r = c.post(
        reverse("orglife:meeting_new"),
        {
            "branch": unit.branch.pk,
            "kind": MeetingKind.GENERAL,
            "topic": "第四季度支部党员大会",
            "day": day.isoformat(),
            "start": "14:30",
            "end": "16:00",
            "place": "示教室",
        },
    )
    m = Meeting.objects.get(topic="第四季度支部党员大会")
    assert r.status_code == 302 and r["Location"] == reverse("orglife:meeting", args=[m.pk])
    assert Attendance.objects.filter(meeting=m).count() == len(unit.people)
    page = c.get(r["Location"]).content.decode()
    assert "扫码签到" in page and m.checkin_token in page


def test_a_form_with_the_end_before_the_start_says_so_and_saves_nothing(unit: Unit):
    c = client(unit.sec)
    before = orglife_state()
    r = c.post(
        reverse("orglife:meeting_new"),
        {
            "branch": unit.branch.pk,
            "kind": MeetingKind.GENERAL,
            "topic": "x",
            "day": timezone.localdate().isoformat(),
            "start": "16:00",
            "end": "15:00",
        },
    )
    assert r.status_code == 200 and "结束时间必须晚于开始时间" in r.content.decode()
    assert orglife_state() == before


def test_a_member_not_on_the_roster_cannot_open_the_meeting(unit: Unit):
    m = meeting(unit, MeetingKind.COMMITTEE)  # the member is not on the committee
    assert client(unit.member).get(reverse("orglife:meeting", args=[m.pk])).status_code == 403


def test_a_file_that_is_not_an_image_or_document_is_refused(unit: Unit, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    m = meeting(unit)
    c = client(unit.sec)
    fake = SimpleUploadedFile("照片.jpg", b"MZ\x90\x00 not a photo", content_type="image/jpeg")
    r = c.post(reverse("orglife:file_add", args=[m.pk]), {"file": fake}, follow=True)
    assert "按文件内容判断" in r.content.decode()
    assert not MeetingFile.objects.exists()


# --- meeting files: what is kept and how it is served ----------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def zip_of(*names: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name in names:
            z.writestr(name, "<x/>")
    return buf.getvalue()


def upload_file(u: Unit, m: Meeting, name: str, data: bytes) -> str:
    """The secretary uploads a file on the meeting's page; the page's message."""
    f = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    r = client(u.sec).post(reverse("orglife:file_add", args=[m.pk]), {"file": f}, follow=True)
    assert r.status_code == 200
    return r.content.decode()


def stored(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("evil.html", jpeg_html_polyglot(), "不能上传扩展名为.html的文件"),
        ("evil.svg", jpeg_html_polyglot(), "不能上传扩展名为.svg的文件"),
        ("evil.htm", PDF, "不能上传扩展名为.htm的文件"),
        ("签到表.pdf", jpeg_html_polyglot(), "文件扩展名是.pdf，内容却是JPEG图片"),
        ("照片.jpg", b"\xff\xd8\xff\xe0 not a photo at all", "图片无法读取"),
        ("纪要.docx", zip_of("word/notes.txt"), "按文件内容判断"),
        ("台账.xlsx", zip_of("xl/notes.txt"), "按文件内容判断"),
    ],
)
def test_a_file_that_is_not_what_its_name_says_is_refused_and_nothing_is_stored(
    unit: Unit, settings, tmp_path, name, data, says
):
    settings.MEDIA_ROOT = tmp_path
    m = meeting(unit)
    before = orglife_state()
    assert says in upload_file(unit, m, name, data)
    assert orglife_state() == before and stored(tmp_path) == []


def test_a_decompression_bomb_on_a_meeting_gets_a_chinese_message(unit: Unit, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    m = meeting(unit)
    assert "图片尺寸过大" in upload_file(unit, m, "合影.png", png_bomb())
    assert not MeetingFile.objects.exists() and stored(tmp_path) == []


def test_a_meeting_photo_is_kept_without_its_gps_under_a_safe_name(unit: Unit, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    m = meeting(unit)
    assert "附件已上传" in upload_file(unit, m, "C:\\相册\\合影\u202egpj.html.JPEG", phone_photo())
    row = MeetingFile.objects.get(meeting=m)
    kept = (tmp_path / row.file.name).read_bytes()
    assert metadata_of(kept)["gps"] == {} and metadata_of(kept)["exif"] == {}
    assert (row.name, row.content_type, row.size) == ("合影gpj.html.jpg", "image/jpeg", len(kept))
    assert "合影" not in row.file.name


def test_a_served_meeting_pdf_is_always_an_attachment_with_nosniff(unit: Unit, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    m = meeting(unit)
    upload_file(unit, m, "会议纪要.pdf", PDF)
    row = MeetingFile.objects.get(meeting=m)
    r = client(unit.member).get(reverse("orglife:file", args=[row.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["Content-Disposition"] == (
        f'attachment; filename="meeting-file-{row.pk}.pdf"; '
        "filename*=UTF-8''%E4%BC%9A%E8%AE%AE%E7%BA%AA%E8%A6%81.pdf"
    )
    assert b"".join(r.streaming_content) == PDF


def test_a_served_meeting_photo_is_inline_with_nosniff_and_a_safe_name(
    unit: Unit, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    m = meeting(unit)
    upload_file(unit, m, "支部合影.png", phone_photo(fmt="PNG"))
    row = MeetingFile.objects.get(meeting=m)
    r = client(unit.member).get(reverse("orglife:file", args=[row.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "image/png"
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["Content-Disposition"].startswith(f'inline; filename="meeting-file-{row.pk}.png"; ')
    assert r["Content-Disposition"].endswith("''%E6%94%AF%E9%83%A8%E5%90%88%E5%BD%B1.png")


def test_an_old_file_stored_as_evil_html_is_served_by_its_bytes_under_a_safe_name(
    unit: Unit, settings, tmp_path
):
    """Rows from before the checks keep working, and keep their user's name only as text."""
    settings.MEDIA_ROOT = tmp_path
    m = meeting(unit)
    row = MeetingFile(meeting=m, name="evil.html", content_type="text/html", size=1)
    row.file.save("legacy.jpg", ContentFile(jpeg_html_polyglot()), save=True)
    r = client(unit.sec).get(reverse("orglife:file", args=[row.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "image/jpeg"
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["Content-Disposition"].endswith("filename*=UTF-8''evil.html.jpg")
    row.file.save("legacy2.html", ContentFile(b"<html><script>alert(1)</script>"), save=True)
    assert client(unit.sec).get(reverse("orglife:file", args=[row.pk])).status_code == 404


def test_closing_through_the_page_reports_the_quorum(unit: Unit):
    m = meeting(unit)
    for p in unit.full[:3]:
        attendance_mark(access=unit.sec, meeting=m, person=p, status="present")
    r = client(unit.sec).post(
        reverse("orglife:meeting_close", args=[m.pk]),
        {
            "minutes": "<p>研究了发展党员工作。</p>",
            "resolutions": "同意列为积极分子",
            "early": "on",
        },
        follow=True,
    )
    assert "达到法定人数" in r.content.decode()


# --- the meeting form offers only the user's own people (issue 15, item 1) ---------------------


def _offered(response, name: str) -> list[Person]:
    return list(response.context["form"].fields[name].queryset)


def test_a_hospital_admin_with_no_branch_chosen_is_offered_nobody(client_for):
    r = client_for("hosp").get(reverse("orglife:meeting_new"))
    assert r.status_code == 200
    for name in ("host", "recorder", "lecturer", "people", "party_group"):
        assert _offered(r, name) == [], name
    outsider = Person.objects.filter(hospital=second()).order_by("pk").first()
    assert outsider.name not in r.content.decode()


def test_the_lecturer_is_searched_as_you_type_not_listed(unit: Unit):
    r = client(unit.sec).get(reverse("orglife:meeting_new"))
    page = r.content.decode()
    search = reverse("orglife:lecturer_search", args=[unit.branch.pk])
    assert f'data-search="{search}"' in page
    # the hospital's staff are the choices, but none of them is written into the page
    staff = _offered(r, "lecturer")
    assert len(staff) > len(unit.people)
    stranger = next(p for p in staff if p.branch_id != unit.branch.pk)
    assert f'<option value="{stranger.pk}"' not in page and stranger.name not in page


def test_the_lecturer_search_finds_the_hospitals_people_and_no_one_elsewhere(unit: Unit):
    c = client(unit.sec)
    url = reverse("orglife:lecturer_search", args=[unit.branch.pk])
    colleague = (
        Person.objects.filter(hospital=primary(), status="active")
        .exclude(branch=unit.branch)
        .order_by("pk")
        .first()
    )
    found = c.get(url, {"q": colleague.name}).json()["results"]
    assert colleague.pk in [row["value"] for row in found]
    assert any(row["text"].startswith(colleague.name + "（") for row in found)
    outsider = Person.objects.filter(hospital=second()).order_by("pk").first()
    found = c.get(url, {"q": outsider.name}).json()["results"]
    assert outsider.pk not in [row["value"] for row in found]
    assert c.get(url, {"q": ""}).json() == {"results": []}


@pytest.mark.parametrize("q", ["\x00", "9" * 40, "%", "' OR 1=1 --"])
def test_odd_searches_answer_calmly(unit: Unit, q: str):
    url = reverse("orglife:lecturer_search", args=[unit.branch.pk])
    r = client(unit.sec).get(url, {"q": q})
    assert r.status_code == 200 and isinstance(r.json()["results"], list)


def test_another_hospitals_admin_cannot_search_a_branchs_lecturers(unit: Unit, client_for):
    url = reverse("orglife:lecturer_search", args=[unit.branch.pk])
    assert client_for("hosp2").get(url, {"q": "张"}).status_code == 404
    assert client(unit.member).get(url, {"q": "张"}).status_code == 403
    assert client(unit.other_sec).get(url, {"q": "张"}).status_code == 403


def test_a_lecturer_found_by_search_is_saved_and_one_of_another_hospital_is_refused(unit: Unit):
    c = client(unit.sec)
    colleague = (
        Person.objects.filter(hospital=primary(), status="active")
        .exclude(branch=unit.branch)
        .order_by("pk")
        .first()
    )
    data = {
        "branch": unit.branch.pk,
        "kind": MeetingKind.LECTURE,
        "topic": "专题党课",
        "day": (timezone.localdate() + timedelta(days=2)).isoformat(),
        "start": "14:30",
        "end": "16:00",
    }
    outsider = Person.objects.filter(hospital=second()).order_by("pk").first()
    before = orglife_state()
    r = c.post(reverse("orglife:meeting_new"), data | {"lecturer": outsider.pk})
    assert r.status_code == 200 and "选择一个有效的选项" in r.content.decode()
    assert orglife_state() == before
    r = c.post(reverse("orglife:meeting_new"), data | {"lecturer": colleague.pk})
    assert r.status_code == 302
    assert Meeting.objects.get(topic="专题党课").lecturer == colleague
    # the page re-shown after an error keeps the chosen lecturer, and only that one
    r = c.post(reverse("orglife:meeting_new"), data | {"lecturer": colleague.pk, "topic": ""})
    assert f'<option value="{colleague.pk}" selected>' in r.content.decode()


# --- one FilterSet for the meeting book's page and its API (issue 9, item 5) -----------------


def test_the_meeting_books_page_and_api_filter_alike(unit: Unit):
    theme = meeting(unit, MeetingKind.THEME_DAY)
    general = meeting(unit, MeetingKind.GENERAL)
    c = client(unit.sec)
    query = {"kind": MeetingKind.THEME_DAY, "branch": unit.branch.pk}
    api = c.get(reverse("api-orglife-meeting-book"), query).json()
    assert [row["id"] for row in api["results"]] == [theme.pk]
    assert api["results"][0]["kind_label"] == "主题党日"
    page = c.get(reverse("orglife:meetings"), query).content.decode()
    assert reverse("orglife:meeting", args=[theme.pk]) in page
    assert reverse("orglife:meeting", args=[general.pk]) not in page


@pytest.mark.parametrize(
    "query",
    [
        {"branch": "9" * 30},
        {"branch": "\x00"},
        {"kind": "party"},
        {"status": "<script>"},
        {"year": "abc"},
        {"year": "99999999999999999999"},
        {"page": "-1"},
    ],
)
def test_odd_filters_on_the_meeting_book_are_ignored_calmly(unit: Unit, query):
    meeting(unit)
    r = client(unit.sec).get(reverse("orglife:meetings"), query)
    assert r.status_code == 200 and "季度党员大会" in r.content.decode()


def test_another_hospitals_branch_is_not_a_filter_for_a_secretary(unit: Unit, client_for):
    meeting(unit)
    other = (
        Person.objects.filter(hospital=second()).exclude(branch=None).order_by("pk").first().branch
    )
    r = client(unit.sec).get(reverse("orglife:meetings"), {"branch": other.pk})
    assert r.status_code == 200 and "季度党员大会" in r.content.decode()  # ignored, not leaked
    api = client(unit.sec).get(reverse("api-orglife-meeting-book"), {"branch": other.pk})
    # The API answers an unseen branch like one without meetings (issue 11: no 400 that
    # tells whether another hospital's branch exists).
    assert api.status_code == 200 and api.json()["results"] == []


def test_the_meeting_book_api_refuses_a_member(unit: Unit):
    r = client(unit.member).get(reverse("api-orglife-meeting-book"))
    assert r.status_code == 403


# --- issue 10: closing a meeting in progress asks first; the form follows the kind ----------


def test_closing_a_meeting_in_progress_warns_and_needs_a_confirmation(unit: Unit):
    m = meeting(unit)  # began ten minutes ago, ends in fifty
    c = client(unit.sec)
    url = reverse("orglife:meeting_close", args=[m.pk])
    page = c.get(url).content.decode()
    assert "会议正在进行中" in page and 'name="early"' in page
    before = orglife_state()
    r = c.post(url, {"minutes": "<p>提前结束</p>"})
    assert r.status_code == 200 and "仍在进行中" in r.content.decode()
    assert orglife_state() == before
    r = c.post(url, {"minutes": "<p>提前结束</p>", "early": "on"})
    assert r.status_code == 302
    m.refresh_from_db()
    assert m.status == "held"


def test_closing_a_meeting_that_has_ended_needs_no_confirmation(unit: Unit):
    m = meeting(unit, starts=timezone.now() - timedelta(hours=2))
    c = client(unit.sec)
    url = reverse("orglife:meeting_close", args=[m.pk])
    assert "会议正在进行中" not in c.get(url).content.decode()
    assert c.post(url, {"minutes": "<p>按时结束</p>"}).status_code == 302


def _wrapper_hidden(page: str, field: str) -> bool:
    """Whether the wrapper of a form field is drawn hidden."""
    at = page.index(f'id="id_{field}"')
    start = page.rfind('<div class="col-12', 0, at)
    tag = page[start : page.index(">", start)]
    return " hidden" in tag


def test_the_meeting_form_follows_the_kind_without_dashes_or_a_refresh_button(unit: Unit):
    c = client(unit.sec)
    page = c.get(reverse("orglife:meeting_new")).content.decode()
    assert "---------" not in page
    assert "按所选支部刷新人员" not in page
    for field in ("party_group", "lecturer", "people"):
        assert _wrapper_hidden(page, field), field
    assert not _wrapper_hidden(page, "host")
    lecture = c.get(reverse("orglife:meeting_new") + "?kind=party_lecture").content.decode()
    assert not _wrapper_hidden(lecture, "lecturer")
    assert _wrapper_hidden(lecture, "party_group") and _wrapper_hidden(lecture, "people")
    group = c.post(
        reverse("orglife:meeting_new"),
        {"branch": unit.branch.pk, "kind": "group_meeting", "topic": "", "day": "x"},
    ).content.decode()
    assert not _wrapper_hidden(group, "party_group") and _wrapper_hidden(group, "lecturer")


def test_the_meeting_book_shows_each_meetings_counts_without_grouping_the_roster(
    unit: Unit, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from hongfan.orglife.choices import AttendanceStatus

    first, second_ = meeting(unit), meeting(unit, MeetingKind.THEME_DAY)
    roster = list(Attendance.objects.filter(meeting=first).order_by("pk"))
    Attendance.objects.filter(pk__in=[a.pk for a in roster[:2]]).update(
        status=AttendanceStatus.PRESENT
    )
    Attendance.objects.filter(meeting=second_).delete()
    c = client(unit.sec)
    c.get(reverse("orglife:meetings"))  # warm up the session
    with django_assert_max_num_queries(13), CaptureQueriesContext(connection) as ctx:
        r = c.get(reverse("orglife:meetings"))
    rows = {m.pk: (m.present, m.expected) for m in r.context["page"]}
    assert rows[first.pk] == (2, len(roster)) and rows[second_.pk] == (0, 0)
    assert f"2/{len(roster)}" in r.content.decode()
    # the counts are per-meeting subqueries: no GROUP BY over a join with the roster
    assert not any('JOIN "orglife_attendance"' in q["sql"] for q in ctx.captured_queries)


OLD_BOOK_ROWS = """{% load tables %}{% for m in page %}
    <tr>
      <td class="text-nowrap">{{ m.starts_at|daytime }}</td>
      <td class="text-nowrap">{{ m.get_kind_display }}{% if m.online %} <span class="badge text-bg-info">线上</span>{% endif %}</td>
      <td><a href="{% url 'orglife:meeting' m.pk %}">{{ m.topic }}</a></td>
      <td class="text-nowrap">{{ m.branch.name }}{% if m.party_group %} · {{ m.party_group.name }}{% endif %}</td>
      <td class="text-end">{{ m.present }}/{{ m.expected }}</td>
      <td><span class="badge {% if m.status == 'held' %}text-bg-success{% elif m.status == 'cancelled' %}text-bg-secondary{% else %}text-bg-warning{% endif %}">{{ m.get_status_display }}</span>{% if m.quorate is False %} <span class="badge text-bg-danger">未达法定人数</span>{% endif %}</td>
    </tr>
  {% endfor %}"""  # noqa: E501 (the template's lines as they were)


def test_the_meeting_books_rows_built_in_python_read_as_the_template_drew_them(unit: Unit):
    from django.template import Context, Template

    from hongfan.orglife.choices import MeetingStatus
    from hongfan.orglife.views.meetings import _rows_html

    Meeting.objects.filter(pk=meeting(unit).pk).update(topic="<b>党课</b> & 讨论")
    meeting(unit, MeetingKind.GROUP, party_group=unit.groups[0], online=True)
    meeting(unit, MeetingKind.THEME_DAY)
    rows = list(meeting_list_of(unit))
    rows[0].status, rows[0].quorate = MeetingStatus.HELD, False
    rows[1].status, rows[1].quorate = MeetingStatus.CANCELLED, True
    assert _rows_html(rows) == Template(OLD_BOOK_ROWS).render(Context({"page": rows}))


def meeting_list_of(unit: Unit):
    from hongfan.orglife.selectors.meetings import meeting_list

    return meeting_list(access=unit.sec).filter(branch=unit.branch)
