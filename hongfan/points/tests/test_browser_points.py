"""Real-browser check of the claims flow on a phone: a member claims points with a photo,
the secretary approves in the review queue, and the member sees the new total and rank.

Playwright (sync API) drives Debian's /usr/bin/chromium against pytest-django's
``live_server``, as in hongfan/org/tests/test_browser.py (whose notes on the flushed demo
city and ``DJANGO_ALLOW_ASYNC_UNSAFE`` apply here unchanged). Run with
``pytest -m browser``; screenshots land in ``test-artifacts/screenshots/points-*.png``.
"""

from __future__ import annotations

import re
import struct
import zlib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from hongfan.accounts.models import User
from hongfan.core.dates import today
from hongfan.core.testing.browser import (
    DESKTOP,
    PHONE,
    horizontal_overflow,
    login,
    shot,
)
from hongfan.core.uploads import image_kind
from hongfan.points.choices import Period
from hongfan.points.models import ClaimStatus, PointClaim, PointRule
from hongfan.points.periods import period_start
from hongfan.points.selectors.standings import member_rank

pytestmark = pytest.mark.browser

CLAIM_RULE = "ORG-LECTURE"  # 讲授党课: +5, needs the secretary's approval


# Browser fixtures and helpers: hongfan/core/testing/browser.py.


@pytest.fixture
def private_media(settings: Any, tmp_path: Path) -> Path:
    """Uploaded evidence goes to a directory of the test's own (the live server runs in
    this process, so it sees the same settings)."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


# --- helpers ---------------------------------------------------------------------------------


def evidence_png(width: int = 480, height: int = 320) -> bytes:
    """A real PNG photo stand-in: red and gold bands, like a banner (锦旗)."""
    rows = []
    for y in range(height):
        band = (y // 40) % 2
        pixel = b"\xb7\x1c\x1c" if band else b"\xf6\xc3\x43"
        rows.append(b"\x00" + pixel * width)

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


def quarter_figures(page: Any) -> tuple[Decimal, str]:
    """The 本季度 total and the rank line shown on /points/me/."""
    card = page.locator(".hf-stat", has_text="本季度")
    value = Decimal(card.locator(".v").inner_text().strip())
    rank = card.locator(".k").nth(1).inner_text().strip()
    return value, rank


# --- the test -----------------------------------------------------------------------------------


def test_member_claims_with_a_photo_secretary_approves_member_sees_new_total_and_rank(
    demo_city: Any, open_page: Any, private_media: Path, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    base = demo_city.url
    person = User.objects.get(username="member").person
    rule = PointRule.objects.get(hospital_id=person.hospital_id, code=CLAIM_RULE)
    photo = tmp_path / "锦旗.png"
    photo.write_bytes(evidence_png())

    # --- the member, on a phone: their points before, then the claim -------------------------
    member = open_page(PHONE)
    login(member, base, "member")
    member.goto(f"{base}/points/me/")
    before_total, before_rank = quarter_figures(member)
    assert re.search(r"支部第\d+/\d+名 · 全院第\d+/\d+名", before_rank), before_rank

    member.goto(f"{base}/points/claims/new/")
    expect(member.get_by_role("heading", name="申报积分")).to_be_visible()
    camera = member.locator("#id_photo")
    assert camera.get_attribute("accept") == "image/*"
    assert camera.get_attribute("capture") is not None
    member.select_option("#id_rule", value=str(rule.pk))
    member.fill("#id_quantity", "1")
    member.fill("#id_description", "为心内科护理团队讲授专题党课《守护生命线》，40人参加。")
    member.set_input_files("#id_photo_album", str(photo))
    preview = member.locator("#photo-preview img")
    expect(preview).to_be_visible()
    assert horizontal_overflow(member) <= 0, "the claim form scrolls sideways on a phone"
    shot(member, "points-claim-form-phone")
    with member.expect_navigation():
        member.get_by_role("button", name="提交申报").click()
    assert member.url.endswith("/points/claims/mine/"), member.url
    expect(member.locator(".alert-success")).to_contain_text("等待支部书记审核")
    claim = PointClaim.objects.get(person=person, rule=rule, status=ClaimStatus.PENDING)
    card = member.locator(f'[data-claim="{claim.pk}"]')
    expect(card).to_contain_text("待审核")
    expect(card).to_contain_text(rule.name)
    assert claim.photo.name.endswith(".png") and (private_media / claim.photo.name).exists()
    assert horizontal_overflow(member) <= 0, "my claims scroll sideways on a phone"
    shot(member, "points-claims-mine-pending-phone")

    # --- the secretary, in a second browser context: the review queue ----------------------------
    sec = open_page(PHONE)
    login(sec, base, "sec")
    sec.goto(f"{base}/points/claims/review/")
    review = sec.locator(f'[data-claim="{claim.pk}"]')
    expect(review).to_contain_text(person.name)
    expect(review).to_contain_text("守护生命线")
    evidence = review.locator("img.hf-evidence")
    evidence.scroll_into_view_if_needed()
    expect(evidence).to_be_visible()
    sec.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=evidence.element_handle()
    )
    assert evidence.evaluate("img => img.naturalWidth") == 480, "the photo did not load"
    assert horizontal_overflow(sec) <= 0, "the review queue scrolls sideways on a phone"
    shot(sec, "points-review-queue-phone")
    with sec.expect_navigation():
        review.get_by_role("button", name="通过").click()
    expect(sec.locator(".alert-success")).to_contain_text(f"已通过{person.name}的申报")
    expect(sec.locator(f'[data-claim="{claim.pk}"]')).to_have_count(0)
    shot(sec, "points-review-approved-phone")

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED and claim.entry is not None
    granted = claim.entry.points
    assert granted > 0

    # --- the member sees the new total and rank ---------------------------------------------------
    member.goto(f"{base}/points/me/")
    after_total, after_rank = quarter_figures(member)
    assert after_total == before_total + granted, (before_total, granted, after_total)
    start = period_start(Period.QUARTER, today())
    branch_rank = member_rank(
        hospital_id=person.hospital_id,
        person=person,
        period=Period.QUARTER,
        start=start,
        branch_id=person.branch_id,
    )
    hospital_rank = member_rank(
        hospital_id=person.hospital_id, person=person, period=Period.QUARTER, start=start
    )
    assert f"支部第{branch_rank}/" in after_rank and f"全院第{hospital_rank}/" in after_rank
    old = re.search(r"全院第(\d+)/", before_rank)
    assert old and hospital_rank <= int(old.group(1)), "more points never lowers the rank"
    expect(member.locator("table")).to_contain_text(f"申报：{rule.name}")
    assert horizontal_overflow(member) <= 0
    shot(member, "points-mine-after-approval-phone")

    member.goto(f"{base}/points/claims/mine/")
    expect(member.locator(f'[data-claim="{claim.pk}"]')).to_contain_text("已通过")
    expect(member.locator(f'[data-claim="{claim.pk}"]')).to_contain_text(
        f"计{granted:f}分".replace(".0分", "分")
    )
    shot(member, "points-claims-mine-approved-phone")

    # --- an appeal against that entry, dismissed with a reason ----------------------------------
    member.goto(f"{base}/points/entries/{claim.entry.pk}/appeal/")
    expect(member.get_by_role("heading", name="积分申诉")).to_be_visible()
    member.fill("#id_reason", "听课人数应为60人，另有20人线上参加。")
    assert horizontal_overflow(member) <= 0, "the appeal form scrolls sideways on a phone"
    shot(member, "points-appeal-form-phone")
    with member.expect_navigation():
        member.get_by_role("button", name="提交申诉").click()
    expect(member.locator("#appeals")).to_contain_text("待处理")

    sec.goto(f"{base}/points/appeals/review/")
    appeal_card = sec.locator("[data-appeal]", has_text="另有20人线上参加")
    expect(appeal_card).to_contain_text(person.name)
    assert horizontal_overflow(sec) <= 0, "the appeals queue scrolls sideways on a phone"
    shot(sec, "points-appeal-queue-phone")
    appeal_card.get_by_placeholder("处理意见").fill("积分按次计算，与人数无关")
    with sec.expect_navigation():
        appeal_card.get_by_role("button", name="不成立").click()
    expect(sec.locator(".alert-success")).to_contain_text("已驳回")
    member.goto(f"{base}/points/claims/mine/")
    expect(member.locator("#appeals")).to_contain_text("积分按次计算，与人数无关")
    shot(member, "points-claims-mine-appeal-dismissed-phone")

    # the photo is not reachable by someone who may not see the claim
    other = open_page(DESKTOP)
    login(other, base, "hosp2")
    response = other.request.get(f"{base}/points/claims/{claim.pk}/photo/")
    assert response.status == 404


def smooth_png(width: int = 1200, height: int = 900) -> bytes:
    """A large PNG of a smooth, never-repeating pattern: big for PNG, small as a JPEG —
    like a phone photo over the upload limit."""
    import math

    rows = []
    for y in range(height):
        row = bytearray(b"\x00")
        for x in range(width):
            v = math.sin(x * 0.0137 + y * 0.0071) + math.sin(x * 0.0029 - y * 0.0113)
            row += bytes((int(128 + 60 * v) & 255, int(90 + 40 * v) & 255, (x * 7 + y * 3) & 255))
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 6))
        + chunk(b"IEND", b"")
    )


def test_a_photo_over_the_limit_is_shrunk_on_the_phone_before_upload(
    demo_city: Any, open_page: Any, private_media: Path, tmp_path: Path, settings: Any
) -> None:
    from playwright.sync_api import expect

    settings.UPLOAD_IMAGE_MAX_BYTES = 300_000
    big = tmp_path / "IMG_20261126.png"
    big.write_bytes(smooth_png())
    assert big.stat().st_size > settings.UPLOAD_IMAGE_MAX_BYTES

    person = User.objects.get(username="member").person
    rule = PointRule.objects.get(hospital_id=person.hospital_id, code="PUBLIC-PRAISE")
    page = open_page(PHONE)
    login(page, demo_city.url, "member")
    page.goto(f"{demo_city.url}/points/claims/new/")
    page.select_option("#id_rule", value=str(rule.pk))
    page.fill("#id_description", "")
    page.set_input_files("#id_photo", str(big))
    expect(page.locator("#photo-info")).to_contain_text("已压缩")
    shot(page, "points-claim-form-shrunk-phone")
    with page.expect_navigation():
        page.get_by_role("button", name="提交申报").click()
    expect(page.locator(".alert-success")).to_contain_text("等待支部书记审核")
    claim = PointClaim.objects.filter(person=person, rule=rule).latest("pk")
    stored = (private_media / claim.photo.name).read_bytes()
    assert image_kind(stored) == "jpg" and len(stored) <= settings.UPLOAD_IMAGE_MAX_BYTES
