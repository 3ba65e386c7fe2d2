"""orglife's rows of the role matrix (hongfan/tests/test_role_matrix.py merges them into its
table, as it does those of study and recognition): every 组织生活 URL × every demo role —
allowed, 403, 404 or sent to log in — and a denied write changes nothing.

The targets are rows of the demo's 济宁市第三人民医院 (``t``, the matrix's ``Targets``: its
hospital, sec's branch…) and a 主题党日 of sec's branch made on first use inside the test's
transaction, with a photo attached."""

from __future__ import annotations

import base64
from datetime import date, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from hongfan.accounts.models import User
from hongfan.core.access import access_for
from hongfan.core.dates import today
from hongfan.core.testing.role_matrix import (
    DONE,
    FORBIDDEN,
    MISSING,
    OK,
    REDIRECT,
    Row,
    only,
    roles,
)
from hongfan.org.models import Person
from hongfan.orglife.models import Appraisal, LeaveRequest, Meeting, MeetingFile
from hongfan.orglife.services.appraisal import appraisal_vote_open
from hongfan.orglife.services.leave import leave_request
from hongfan.orglife.services.meetings import meeting_file_add, meeting_schedule

SEPARATED = ("audit", "security", "sysadmin")  # 三员


PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def demo_member(t: Any) -> Person:
    return User.objects.get(username="member").person


def ol_meeting(t: Any) -> Meeting:
    """A 主题党日 of sec's branch that began ten minutes ago (so it can be closed), with a
    photo attached."""
    if "meeting" not in t.values:
        sec = access_for(User.objects.get(username="sec"))
        starts = timezone.now() - timedelta(minutes=10)
        m = meeting_schedule(
            access=sec,
            branch=t.branch,
            kind="theme_day",
            topic="矩阵测试主题党日",
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
        )
        meeting_file_add(
            access=sec,
            meeting=m,
            upload=ContentFile(PNG, name="合影.png"),  # type: ignore[arg-type]
        )
        t.values["meeting"] = m
    return t.values["meeting"]


def ol_upcoming(t: Any) -> Meeting:
    """A 主题党日 of sec's branch tomorrow (a member may still ask for leave from it)."""
    if "upcoming" not in t.values:
        sec = access_for(User.objects.get(username="sec"))
        starts = timezone.now() + timedelta(days=1)
        t.values["upcoming"] = meeting_schedule(
            access=sec,
            branch=t.branch,
            kind="theme_day",
            topic="矩阵测试请假",
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
        )
    return t.values["upcoming"]


def ol_leave(t: Any) -> LeaveRequest:
    """The demo member's request for leave from ``ol_upcoming``, waiting for an answer."""
    if "leave" not in t.values:
        member = access_for(User.objects.get(username="member"))
        t.values["leave"] = leave_request(access=member, meeting=ol_upcoming(t), reason="值班")
    return t.values["leave"]


def ol_appraisal(t: Any) -> Appraisal:
    """This year's 民主评议 of sec's branch with its online vote open."""
    if "appraisal" not in t.values:
        sec = access_for(User.objects.get(username="sec"))
        t.values["appraisal"] = appraisal_vote_open(access=sec, branch=t.branch, year=today().year)
    return t.values["appraisal"]


def ol_peer(t: Any) -> Person:
    """A full member of sec's branch whom both sec and the demo member may vote on."""
    sec = User.objects.get(username="sec").person
    return (
        Person.objects.filter(branch=t.branch, status="active", political_status="member")
        .exclude(pk__in=[sec.pk, demo_member(t).pk])
        .order_by("pk")
        .first()
    )


def ol_file(t: Any) -> MeetingFile:
    return MeetingFile.objects.get(meeting=ol_meeting(t))


def ol_upload(t: Any) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    ol_meeting(t)
    return {"file": SimpleUploadedFile("签到表.png", PNG, content_type="image/png")}


BRANCH = lambda t: [t.branch.pk]  # noqa: E731
SEP_403 = {r: FORBIDDEN for r in SEPARATED}
LOGGED_IN = roles(OK)
# Not a business role: the 三员, and the 护理部 office (home nursing only).
NOT_BUSINESS = {**SEP_403, "nursing": FORBIDDEN}
# A record of sec's branch: its secretary and the hospital admin manage it.
MANAGED = roles(FORBIDDEN, hosp=OK, sec=OK, hosp2=MISSING)
MANAGED_WRITE = {**MANAGED, "hosp": DONE, "sec": DONE}

TABLE: dict[str, Row] = {
    "orglife:meetings": Row(
        get=roles(FORBIDDEN, city=OK, hosp=OK, sec=OK, member=REDIRECT, hosp2=OK)
    ),
    "orglife:meeting_new": Row(
        get=only(hosp=True, sec=True, hosp2=True),
        post=only(DONE, hosp=True, sec=True, hosp2=OK),  # hosp2: not their branch, form error
        payload=lambda t: {
            "branch": t.branch.pk,
            "kind": "theme_day",
            "topic": "矩阵测试",
            "day": today().isoformat(),
            "start": "08:00",
            "end": "09:00",
        },
    ),
    "orglife:mine": Row(get={**LOGGED_IN, **NOT_BUSINESS}),
    "orglife:lecturer_search": Row(get=MANAGED, args=BRANCH),
    "orglife:meeting": Row(
        get=roles(FORBIDDEN, city=OK, hosp=OK, sec=OK, member=OK, hosp2=MISSING),
        args=lambda t: [ol_meeting(t).pk],
    ),
    "orglife:meeting_edit": Row(
        get=MANAGED,
        post=MANAGED_WRITE,
        payload=lambda t: {
            "topic": "改过的主题",
            "day": timezone.localdate().isoformat(),
            "start": "07:00",
            "end": "08:00",
        },
        args=lambda t: [ol_meeting(t).pk],
    ),
    "orglife:attendance": Row(
        post=MANAGED_WRITE,
        payload=lambda t: {"person": demo_member(t).pk, "status": "present"},
        args=lambda t: [ol_meeting(t).pk],
    ),
    "orglife:meeting_close": Row(
        get=MANAGED,
        post=MANAGED_WRITE,
        payload=lambda t: {"minutes": "<p>会议记录</p>", "resolutions": "", "early": "on"},
        args=lambda t: [ol_meeting(t).pk],
    ),
    "orglife:meeting_cancel": Row(
        post=MANAGED_WRITE,
        payload=lambda t: {"reason": "临时任务"},
        args=lambda t: [ol_meeting(t).pk],
    ),
    "orglife:file_add": Row(
        post=MANAGED_WRITE, payload=ol_upload, args=lambda t: [ol_meeting(t).pk]
    ),
    "orglife:file": Row(
        get=roles(FORBIDDEN, city=OK, hosp=OK, sec=OK, member=OK, hosp2=MISSING),
        args=lambda t: [ol_file(t).pk],
    ),
    # The code is the secret: any business user holding it sees the meeting; only those on
    # the roster are checked in (the others get the refusal on the page, nothing changes).
    "orglife:checkin": Row(
        get={**LOGGED_IN, **NOT_BUSINESS},
        post={**LOGGED_IN, **NOT_BUSINESS, "sec": DONE, "member": DONE},
        payload=lambda t: {},
        args=lambda t: [ol_meeting(t).pk, ol_meeting(t).checkin_token],
    ),
    "orglife:calendar": Row(
        get=roles(FORBIDDEN, city=OK, hosp=OK, sec=OK, member=OK, hosp2=MISSING), args=BRANCH
    ),
    "orglife:appraisal": Row(
        get=roles(FORBIDDEN, city=OK, hosp=OK, sec=OK, hosp2=MISSING),
        post=roles(FORBIDDEN, hosp=DONE, sec=DONE, hosp2=MISSING),
        payload=lambda t: {"action": "draft"},
        args=lambda t: [t.branch.pk, today().year],
    ),
    # 请假: whoever is on the roster asks (a page for whoever may read the meeting); the
    # branch's managers answer.
    "orglife:leave_new": Row(
        get=roles(FORBIDDEN, city=OK, hosp=OK, sec=OK, member=OK, hosp2=MISSING),
        post=roles(FORBIDDEN, sec=DONE, member=DONE, hosp2=MISSING),
        payload=lambda t: {"reason": "门诊值班"},
        args=lambda t: [ol_upcoming(t).pk],
    ),
    "orglife:leave_list": Row(get=only(hosp=True, sec=True, hosp2=True)),
    "orglife:leave_answer": Row(
        post=MANAGED_WRITE,
        payload=lambda t: {"decision": "approve", "note": "同意"},
        args=lambda t: [ol_leave(t).pk],
    ),
    # 民主评议 online: the branch's members vote (a page for whoever reads the branch); the
    # tally is for the committee (its managers, its committee members, the city).
    "orglife:appraisal_vote": Row(
        get=roles(FORBIDDEN, city=OK, hosp=OK, sec=OK, member=OK, hosp2=MISSING),
        post=roles(FORBIDDEN, sec=DONE, member=DONE, hosp2=MISSING),
        payload=lambda t: {f"vote-{ol_peer(t).pk}": "qualified", "action": "vote"},
        args=lambda t: [ol_appraisal(t).pk],
    ),
    "orglife:appraisal_tally": Row(
        get=roles(FORBIDDEN, city=OK, hosp=OK, sec=OK, hosp2=MISSING),
        args=lambda t: [ol_appraisal(t).pk],
    ),
    "orglife:matrix": Row(get=roles(FORBIDDEN, city=OK, hosp=OK, sec=REDIRECT, hosp2=OK)),
    "orglife:city": Row(get=only(city=True)),
    "orglife:requirements": Row(
        get=only(city=True),
        post=only(DONE, city=True),
        payload=lambda t: {
            "kind": "general_meeting",
            "period": "quarter",
            "min_count": "2",
            "effective_from": date(today().year + 1, 1, 1).isoformat(),
            "active": "on",
        },
    ),
    "orglife:meeting_docx": Row(
        get=roles(FORBIDDEN, city=OK, hosp=OK, sec=OK, hosp2=MISSING),
        args=lambda t: [ol_meeting(t).pk],
    ),
    "orglife:yearbook_docx": Row(
        get=roles(FORBIDDEN, city=OK, hosp=OK, sec=OK, hosp2=MISSING),
        args=lambda t: [t.branch.pk, today().year],
    ),
    "api-orglife-meetings": Row(
        get=roles(FORBIDDEN, anonymous=FORBIDDEN, hosp=OK, sec=OK, member=OK, hosp2=OK)
    ),
    "api-orglife-meeting-book": Row(
        get=roles(FORBIDDEN, anonymous=FORBIDDEN, city=OK, hosp=OK, sec=OK, hosp2=OK)
    ),
    "api-orglife-checkin": Row(
        post=roles("400", anonymous=FORBIDDEN, sec=OK, member=OK, **NOT_BUSINESS),
        payload=lambda t: {"token": ol_meeting(t).checkin_token},
        args=lambda t: [ol_meeting(t).pk],
    ),
}
