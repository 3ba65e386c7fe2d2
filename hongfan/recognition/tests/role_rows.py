"""recognition's rows of the role matrix (hongfan/tests/test_role_matrix.py merges them into
its table, as it does hongfan/study/tests/role_rows.py): every 季度之星 URL × every demo role
— allowed, 403, 404 or sent to log in — and a denied write changes nothing.

The target is a draft selection of last quarter in the demo's 济宁市第三人民医院, drawn from
the demo ledger and made on first use inside the test's transaction. A draft is read by the
city and the hospital's admin (secretaries and members read it once published); only the
hospital's admin changes it."""

from __future__ import annotations

from typing import Any

from hongfan.accounts.models import User
from hongfan.core.access import access_for
from hongfan.core.testing.role_matrix import DONE, FORBIDDEN, MISSING, OK, Row, only, roles
from hongfan.org.tests.factories import primary
from hongfan.points import periods
from hongfan.recognition.models import QuarterStar, StarSelection
from hongfan.recognition.services import stars as star_services


def star_selection(t: Any = None) -> StarSelection:
    """A draft 季度之星 selection of last quarter in 济宁市第三人民医院, drawn from the demo
    ledger (made on first use inside the test's transaction)."""
    hospital = primary()
    year, quarter = periods.last_finished_quarter()
    selection = StarSelection.objects.filter(hospital=hospital, year=year, quarter=quarter).first()
    if selection is None:
        hosp = access_for(User.objects.get(username="hosp"))
        selection = star_services.star_selection_create(
            access=hosp,
            hospital=hospital,
            year=year,
            quarter=quarter,
            quota=5,
            min_points=0,
            min_attendance_share=0,
            exclude_complaints=False,
        )
        star_services.star_selection_draft(access=hosp, selection=selection)
    return selection


def star_rules_payload(t: Any) -> dict[str, Any]:
    return {
        "quota_mode": "per_branch",
        "quota": "2",
        "min_points": "0",
        "min_attendance_share": "0",
        "notice_workdays": "5",
    }


def star_new_payload(t: Any) -> dict[str, Any]:
    year, quarter = periods.last_finished_quarter()
    year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)  # not the target's
    return {"year": year, "quarter": quarter, **star_rules_payload(t)}


def star_remove_payload(t: Any) -> dict[str, Any]:
    star = QuarterStar.objects.filter(selection=star_selection(t)).order_by("rank", "pk").first()
    assert star is not None, "the demo ledger gives last quarter's draft some stars"
    return {"person": star.person_id, "reason": "矩阵测试"}


STAR = lambda t: [star_selection(t).pk]  # noqa: E731
STAR_READ = roles(FORBIDDEN, city=OK, hosp=OK, hosp2=MISSING)
STAR_WRITE = roles(FORBIDDEN, hosp=DONE, hosp2=MISSING)

TABLE: dict[str, Row] = {
    "recognition:stars": Row(get=roles(FORBIDDEN, city=OK, hosp=OK, sec=OK, member=OK, hosp2=OK)),
    "recognition:star_new": Row(
        get=only(hosp=True, hosp2=True),
        post=only(DONE, hosp=True, hosp2=True),  # each in their own hospital
        payload=star_new_payload,
    ),
    "recognition:star_detail": Row(get=STAR_READ, args=STAR),
    "recognition:star_edit": Row(
        get=roles(FORBIDDEN, hosp=OK, hosp2=MISSING),
        post=STAR_WRITE,
        payload=star_rules_payload,
        args=STAR,
    ),
    "recognition:star_draft": Row(post=STAR_WRITE, payload=lambda t: {}, args=STAR),
    "recognition:star_remove": Row(post=STAR_WRITE, payload=star_remove_payload, args=STAR),
    # hosp: back to the page with the refusal when the target has no tie to pick in
    "recognition:star_tie": Row(post=STAR_WRITE, payload=star_remove_payload, args=STAR),
    "recognition:star_publish": Row(post=STAR_WRITE, payload=lambda t: {}, args=STAR),
    # hosp: back to the page with "名单尚未公示…" (the target is a draft): a refusal, not a 403
    "recognition:star_confirm": Row(post=STAR_WRITE, payload=lambda t: {}, args=STAR),
    "recognition:star_export": Row(get=STAR_READ, args=STAR),
}
