"""Members' claims with evidence and appeals against an entry: the services, the selectors
and the pages — and every refusal leaves claims, appeals, the ledger, the totals and the
stored photos as they were."""

from __future__ import annotations

import base64
import random
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from hongfan.accounts.models import User
from hongfan.core.access import Access, access_for
from hongfan.core.dates import today
from hongfan.core.models import AuditEvent
from hongfan.core.roles import Role
from hongfan.core.testing.images import jpeg_html_polyglot, metadata_of, phone_photo, png_bomb
from hongfan.org.choices import PersonStatus, PoliticalStatus
from hongfan.org.models import Person
from hongfan.org.tests.factories import PRIMARY, make_person
from hongfan.points.choices import EntryKind, Period, RuleCategory
from hongfan.points.models import (
    AppealStatus,
    ClaimStatus,
    PointAppeal,
    PointClaim,
    PointEntry,
    PointRule,
    PointTotal,
)
from hongfan.points.periods import period_start
from hongfan.points.selectors import claims as claim_selectors
from hongfan.points.selectors.ledger import points_check
from hongfan.points.services import appeals as appeal_services
from hongfan.points.services import claims as claim_services
from hongfan.points.services.awarding import points_award
from hongfan.points.services.catalogue import point_rule_create
from hongfan.points.services.ledger import points_reverse
from hongfan.points.tests.conftest import D0, World, ledger_state, make_access, messages_of

pytestmark = pytest.mark.django_db

DAY = date(2025, 6, 10)  # a past working day under the catalogue's first version


# --- real tiny images ---------------------------------------------------------------------------


def png_bytes(width: int = 2, height: int = 2, *, noise: bool = False) -> bytes:
    """A real PNG (decodable by any viewer); with noise it does not compress."""
    rng = random.Random(7)
    rows = b"".join(
        b"\x00" + (rng.randbytes(width * 3) if noise else b"\xb7\x1c\x1c" * width)
        for _ in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


# A 2×2 baseline JPEG and a 2×2 lossy WebP, as Chromium's canvas encodes them.
JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERX"
    "RTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2Nj"
    "Y2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAACAAIDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAA"
    "AAX/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/8QAFQEBAQAAAAAAAAAAAAAAAAAABAb/xAAUEQEAAAAAAAAAAAAAAAAA"
    "AAAA/9oADAMBAAIRAxEAPwCIAGpH/9k="
)
WEBP = base64.b64decode(
    "UklGRjQAAABXRUJQVlA4ICgAAACQAQCdASoCAAIAAsBMJaACdLoAA5gA/u6mP689THF/+Zo/kj9AuYwA"
)
FAKE_JPG = "这不是照片，只是改了扩展名的文本文件\n".encode()


def upload(name: str, data: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type)


# --- fixtures and helpers -------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    """Uploaded evidence goes to a private directory of the test's own."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


def stored_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def state(root: Path) -> tuple[Any, ...]:
    """What a refused claim, decision or appeal must leave unchanged."""
    return (
        list(PointClaim.objects.order_by("pk").values_list("pk", "status", "entry_id")),
        list(PointAppeal.objects.order_by("pk").values_list("pk", "status", "reversal_id")),
        ledger_state(),
        PointTotal.objects.count(),
        stored_files(root),
    )


@dataclass
class CW:
    """The points tests' hospital with the people a claim involves."""

    w: World
    member: Access  # w.a[1], a plain member of branch_a
    other: Access  # w.a[2], another member of branch_a
    sec_b: Access  # secretary of branch_b (w.b[0])
    rule: PointRule  # +2 per claim, needs approval, no caps
    auto: PointRule  # awarded automatically (ORG-MEETING)

    @property
    def m(self) -> Person:
        return self.w.a[1]


def approval_rule(w: World, points: str = "2", **caps: str) -> PointRule:
    values: dict[str, Any] = {"points": Decimal(points), "needs_approval": True}
    values.update({k: Decimal(v) for k, v in caps.items()})
    n = PointRule.objects.filter(hospital=w.hospital).count() + 1
    return point_rule_create(
        access=w.admin,
        hospital=w.hospital,
        authority=None,
        code=f"CLAIM-{n}",
        name=f"申报测试规则{n}",
        category=RuleCategory.DEDUCTION if Decimal(points) < 0 else RuleCategory.POST,
        effective_from=D0,
        values=values,
    )


@pytest.fixture
def cw(world: World) -> CW:
    member_role = [(Role.MEMBER, None, None)]
    return CW(
        w=world,
        member=make_access("clm_member", person=world.a[1], roles=member_role),
        other=make_access("clm_other", person=world.a[2], roles=member_role),
        sec_b=make_access(
            "clm_sec_b",
            person=world.b[0],
            roles=[(Role.BRANCH_SECRETARY, None, world.branch_b), *member_role],
        ),
        rule=approval_rule(world),
        auto=PointRule.objects.get(hospital=world.hospital, code="ORG-MEETING"),
    )


def submit(cw: CW, **kw: Any) -> PointClaim:
    args: dict[str, Any] = {
        "access": cw.member,
        "person": cw.m,
        "rule": cw.rule,
        "occurred_on": DAY,
        "quantity": 1,
        "description": "为患者义诊两小时",
        "photo": None,
    }
    args.update(kw)
    return claim_services.claim_submit(**args)


def refused(
    root: Path, call: Callable[[], Any], *, says: str = "", exc: type = ValidationError
) -> str:
    """The call is refused with ``exc`` (a Chinese message containing ``says``) and changes
    nothing: claims, appeals, the ledger, the totals and the stored photos."""
    before = state(root)
    with pytest.raises(exc) as info:
        call()
    message = (
        messages_of(info.value) if isinstance(info.value, ValidationError) else str(info.value)
    )
    assert says in message, message
    assert state(root) == before
    return message


def login(access: Access) -> Client:
    c = Client()
    c.force_login(User.objects.get(pk=access.user_id))
    return c


def award_entry(cw: CW, person: Person | None = None, source: str = "e1") -> PointEntry:
    result = points_award(
        access=cw.w.admin,
        person=person or cw.m,
        rule=cw.auto,
        occurred_on=DAY,
        source_type="test",
        source_id=source,
    )
    assert result.entry is not None
    return result.entry


def year_total(person: Person) -> Decimal:
    t = PointTotal.objects.filter(
        person=person, rule__isnull=True, period=Period.YEAR, period_start=date(2025, 1, 1)
    ).first()
    return t.points if t else Decimal(0)


# --- submitting a claim ----------------------------------------------------------------------------


def test_a_member_claims_with_text_and_photo_and_nothing_is_paid_before_approval(cw, media):
    before = ledger_state()
    claim = submit(cw, photo=upload("IMG_0001.jpg", JPEG))
    assert (claim.status, claim.person, claim.hospital, claim.entry) == (
        ClaimStatus.PENDING,
        cw.m,
        cw.w.hospital,
        None,
    )
    assert ledger_state() == before
    files = stored_files(media)
    assert len(files) == 1 and files[0].startswith("claims/") and files[0].endswith(".jpg")
    assert "IMG_0001" not in files[0], "the phone's file name is not kept"
    assert metadata_of((media / files[0]).read_bytes())["size"] == (2, 2)
    event = AuditEvent.objects.filter(target_type="points.pointclaim").order_by("-pk").first()
    assert event is not None and event.target_id == str(claim.pk)


def test_a_photo_alone_or_a_description_alone_is_enough_evidence(cw, media):
    assert submit(cw, description="", photo=upload("a.png", png_bytes(), "image/png")).photo
    assert submit(cw, description="只有文字说明", occurred_on=DAY - timedelta(days=1)).description


@pytest.mark.parametrize("description", ["", "   \n  "])
def test_a_claim_without_evidence_is_refused(cw, media, description):
    refused(
        media,
        lambda: submit(cw, description=description),
        says="请填写情况说明或上传照片作为佐证",
    )


def test_a_claim_dated_in_the_future_is_refused(cw, media):
    refused(
        media,
        lambda: submit(cw, occurred_on=today() + timedelta(days=1)),
        says="发生日期不能晚于今天",
    )


def test_a_rule_awarded_automatically_cannot_be_claimed(cw, media):
    refused(media, lambda: submit(cw, rule=cw.auto), says="由系统自动计分，无需申报")


def test_an_inactive_rule_cannot_be_claimed(cw, media):
    PointRule.objects.filter(pk=cw.rule.pk).update(active=False)
    cw.rule.refresh_from_db()
    refused(media, lambda: submit(cw), says="已停用")


def test_another_hospitals_rule_cannot_be_claimed(cw, media, demo_rules):
    foreign = demo_rules[PRIMARY]["VOL-HOUR"]
    refused(media, lambda: submit(cw, rule=foreign), says="积分规则不属于本院")


def test_a_deduction_rule_cannot_be_claimed(cw, media):
    rule = approval_rule(cw.w, "-2")
    refused(media, lambda: submit(cw, rule=rule), says="扣分规则，不能申报")


def test_a_claim_dated_before_the_rule_existed_is_refused(cw, media):
    refused(media, lambda: submit(cw, occurred_on=D0 - timedelta(days=1)), says="尚未生效")


@pytest.mark.parametrize(
    ("quantity", "says"),
    [(0, "数量必须大于0"), (-1, "数量必须大于0"), (Decimal("1.25"), "最多保留一位小数")],
)
def test_a_claim_of_no_negative_or_too_fine_a_quantity_is_refused(cw, media, quantity, says):
    refused(media, lambda: submit(cw, quantity=quantity), says=says)


def test_a_person_who_is_not_a_member_cannot_claim(cw, media):
    masses = make_person(
        cw.w.hospital, branch=cw.w.branch_a, political_status=PoliticalStatus.MASSES
    )
    access = make_access("clm_masses", person=masses, roles=[(Role.MEMBER, None, None)])
    refused(media, lambda: submit(cw, access=access, person=masses), says="不是在册党员")


def test_a_member_who_left_cannot_claim(cw, media):
    Person.objects.filter(pk=cw.m.pk).update(status=PersonStatus.LEFT)
    cw.m.refresh_from_db()
    refused(media, lambda: submit(cw), says="不是在册党员")


def test_a_member_cannot_claim_for_someone_else(cw, media):
    refused(
        media,
        lambda: submit(cw, person=cw.w.a[2]),
        says="只能为本人申报积分",
        exc=PermissionDenied,
    )
    # not even their secretary or the hospital admin
    refused(media, lambda: submit(cw, access=cw.w.admin), exc=PermissionDenied)
    refused(media, lambda: submit(cw, access=cw.w.sec_a), exc=PermissionDenied)


@pytest.mark.parametrize(
    ("name", "data", "ext"),
    [
        ("photo.jpg", JPEG, "jpg"),
        ("photo.png", png_bytes(), "png"),
        ("photo.webp", WEBP, "webp"),
        ("PHOTO.JPEG", JPEG, "jpg"),
        ("no-extension", png_bytes(), "png"),
    ],
)
def test_real_jpeg_png_and_webp_photos_are_kept_by_their_content(cw, media, name, data, ext):
    claim = submit(cw, description="", photo=upload(name, data, "application/octet-stream"))
    assert claim.photo.name.endswith(f".{ext}")
    kept = metadata_of((media / claim.photo.name).read_bytes())
    assert (kept["format"], kept["size"]) == ({"jpg": "JPEG"}.get(ext, ext.upper()), (2, 2))


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("fake.jpg", FAKE_JPG),
        ("page.png", b"<html><script>alert(1)</script></html>"),
        ("anim.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
        ("doc.jpg", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"),
        ("riff.webp", b"RIFF\x10\x00\x00\x00WAVEfmt "),
    ],
)
def test_a_file_that_is_not_really_an_image_is_refused_whatever_its_name(cw, media, name, data):
    refused(
        media,
        lambda: submit(cw, photo=upload(name, data)),
        says="只能上传JPEG、PNG或WebP格式的照片",
    )


# --- what is kept of a photo, and how it is served -------------------------------------------------


@pytest.mark.parametrize(("fmt", "ext"), [("JPEG", "jpg"), ("WEBP", "webp"), ("PNG", "png")])
def test_gps_and_the_rest_of_the_exif_are_gone_from_a_stored_photo_which_stays_upright(
    cw, media, fmt, ext
):
    photo = phone_photo(60, 30, fmt=fmt)
    assert metadata_of(photo)["gps"], "the phone's photo says where it was taken"
    claim = submit(cw, description="", photo=upload(f"IMG_0001.{ext}", photo))
    kept = metadata_of((media / claim.photo.name).read_bytes())
    assert kept["gps"] == {} and kept["exif"] == {} and kept["xmp"] is None
    assert b"PhoneMaker" not in (media / claim.photo.name).read_bytes()
    # the phone held it sideways (EXIF orientation 6): stored turned, it is 30 wide, 60 high
    assert (kept["format"], kept["size"]) == (fmt, (30, 60))


def test_a_photo_sent_through_the_api_loses_its_gps_too(cw, media):
    client = login(cw.member)
    response = client.post(
        "/api/points/claims/",
        {
            "rule": cw.rule.pk,
            "occurred_on": DAY.isoformat(),
            "photo": upload("IMG_0002.jpg", phone_photo()),
        },
    )
    assert response.status_code == 201, response.content.decode()
    claim = PointClaim.objects.get(person=cw.m)
    assert metadata_of((media / claim.photo.name).read_bytes())["gps"] == {}


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("evil.html", "不能上传扩展名为.html的文件"),
        ("evil.svg", "不能上传扩展名为.svg的文件"),
        ("evil.htm", "不能上传扩展名为.htm的文件"),
    ],
)
def test_a_jpeg_that_is_also_an_html_page_named_as_a_page_is_refused(cw, media, name, says):
    refused(media, lambda: submit(cw, photo=upload(name, jpeg_html_polyglot())), says=says)


def test_a_photo_saved_under_another_image_types_name_is_kept_as_what_it_is(cw, media):
    claim = submit(cw, description="", photo=upload("微信图片.png", JPEG))
    assert claim.photo.name.endswith(".jpg")
    assert metadata_of((media / claim.photo.name).read_bytes())["format"] == "JPEG"


@pytest.mark.parametrize(
    "data",
    [
        JPEG[:40],  # starts like a JPEG, cut off
        b"\xff\xd8\xff\xe0" + b"<html><script>alert(1)</script></html>" * 3,
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 60,
    ],
)
def test_a_photo_that_starts_like_an_image_but_is_not_one_is_refused(cw, media, data):
    refused(
        media,
        lambda: submit(cw, photo=upload("photo.jpg" if data[0] == 0xFF else "p.png", data)),
        says="图片无法读取",
    )


def test_a_decompression_bomb_gets_a_chinese_message_not_a_500(cw, media):
    bomb = png_bomb()
    before = state(media)
    response = login(cw.member).post(
        reverse("points:claim_new"),
        {
            "rule": cw.rule.pk,
            "occurred_on": DAY.isoformat(),
            "quantity": "1",
            "photo": upload("bomb.png", bomb, "image/png"),
        },
    )
    assert response.status_code == 200
    assert "图片尺寸过大" in response.content.decode()
    assert state(media) == before


def test_a_photo_over_the_pixel_limit_is_refused_with_its_size(cw, media, settings):
    settings.UPLOAD_IMAGE_MAX_PIXELS = 100
    refused(
        media,
        lambda: submit(cw, photo=upload("wide.png", png_bytes(20, 10))),
        says="图片尺寸过大（20×10像素）",
    )
    assert submit(cw, photo=upload("small.png", png_bytes(10, 10))).photo


def test_a_served_photo_has_nosniff_and_a_safe_name(cw, media):
    claim = submit(cw, photo=upload("../../患者 张三.png", png_bytes(), "image/png"))
    response = login(cw.member).get(reverse("points:claim_photo", args=[claim.pk]))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == (
        f"inline; filename=\"claim-{claim.pk}.png\"; filename*=UTF-8''claim-{claim.pk}.png"
    )
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_photo_stored_before_the_cleaning_is_still_served(cw, media):
    claim = submit(cw, photo=upload("x.png", png_bytes(), "image/png"))
    (media / claim.photo.name).write_bytes(JPEG)  # an old, untouched upload
    response = login(cw.member).get(reverse("points:claim_photo", args=[claim.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == JPEG


def test_a_photo_over_the_size_limit_is_refused(cw, media, settings):
    settings.UPLOAD_IMAGE_MAX_BYTES = 2048
    big = png_bytes(64, 64, noise=True)
    assert len(big) > 2048
    refused(media, lambda: submit(cw, photo=upload("big.png", big)), says="照片不能超过")
    # just under the limit is fine
    assert submit(cw, photo=upload("small.png", png_bytes(16, 16))).photo


def test_an_empty_photo_file_is_refused(cw, media):
    refused(media, lambda: submit(cw, photo=upload("empty.jpg", b"")), says="空文件")


def test_a_too_long_description_is_refused(cw, media):
    refused(media, lambda: submit(cw, description="说" * 1001), says="情况说明不能超过1000字")


def test_the_same_claim_sent_twice_is_kept_once(cw, media):
    submit(cw)
    refused(media, lambda: submit(cw), says="请勿重复提交")


def test_the_form_offers_only_active_rules_that_need_approval(cw):
    offered = {r.code for r in claim_selectors.claim_rules(cw.w.hospital.pk)}
    assert cw.rule.code in offered
    assert {"VOL-HOUR", "PUBLIC-PRAISE", "ORG-LECTURE"} <= offered
    assert not offered & {"ORG-MEETING", "STUDY-ITEM", "DED-ABSENT", "DED-COMPLAINT"}
    PointRule.objects.filter(pk=cw.rule.pk).update(active=False)
    assert cw.rule.code not in {r.code for r in claim_selectors.claim_rules(cw.w.hospital.pk)}


# --- deciding a claim --------------------------------------------------------------------------------


def test_the_secretary_approves_and_the_claim_pays_through_the_ledger(cw, media):
    claim = submit(cw, quantity=Decimal("1.5"))
    decision = claim_services.claim_decide(
        access=cw.w.sec_a, claim=claim, approve=True, reason="属实"
    )
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED and not decision.capped
    entry = claim.entry
    assert entry is not None and decision.award is not None and decision.award.entry == entry
    assert (entry.source_type, entry.source_id, entry.points, entry.kind) == (
        "claim",
        str(claim.pk),
        Decimal("3.0"),
        EntryKind.AWARD,
    )
    assert (entry.person, entry.occurred_on, entry.actor_id) == (cw.m, DAY, cw.w.sec_a.user_id)
    assert claim.decided_by_id == cw.w.sec_a.user_id and claim.decided_at is not None
    assert claim.decision_reason == "属实"
    assert decision.message == f"已通过{cw.m.name}的申报，计3分"
    assert year_total(cw.m) == 3
    assert points_check(hospital=cw.w.hospital) == []


def test_the_hospital_admin_approves_too(cw, media):
    claim = submit(cw)
    claim_services.claim_decide(access=cw.w.admin, claim=claim, approve=True)
    assert year_total(cw.m) == 2


def test_an_approval_pays_once_even_if_the_claim_is_decided_twice(cw, media):
    claim = submit(cw)
    claim_services.claim_decide(access=cw.w.sec_a, claim=claim, approve=True)
    for approve, who in ((True, cw.w.sec_a), (True, cw.w.admin), (False, cw.w.admin)):
        refused(
            media,
            lambda approve=approve, who=who: claim_services.claim_decide(
                access=who, claim=claim, approve=approve, reason="再审"
            ),
            says="该申报已审核（已通过），不能重复审核",
        )
    # even the ledger's own door refuses to pay the same claim again
    again = points_award(
        access=cw.w.admin,
        person=cw.m,
        rule=cw.rule,
        occurred_on=DAY,
        source_type="claim",
        source_id=str(claim.pk),
    )
    assert again.duplicate
    assert PointEntry.objects.filter(source_type="claim", source_id=str(claim.pk)).count() == 1
    assert year_total(cw.m) == 2


def test_rejecting_needs_a_reason_and_pays_nothing(cw, media):
    claim = submit(cw)
    for reason in ("", "   "):
        refused(
            media,
            lambda reason=reason: claim_services.claim_decide(
                access=cw.w.sec_a, claim=claim, approve=False, reason=reason
            ),
            says="驳回申报须填写理由",
        )
    before = ledger_state()
    decision = claim_services.claim_decide(
        access=cw.w.sec_a, claim=claim, approve=False, reason="时间不符，请核实后重报"
    )
    claim.refresh_from_db()
    assert (claim.status, claim.entry, claim.decision_reason) == (
        ClaimStatus.REJECTED,
        None,
        "时间不符，请核实后重报",
    )
    assert decision.award is None
    assert ledger_state() == before
    refused(
        media,
        lambda: claim_services.claim_decide(access=cw.w.admin, claim=claim, approve=True),
        says="已驳回",
    )


def test_a_member_cannot_decide_a_claim(cw, media):
    claim = submit(cw)
    for who in (cw.other, cw.member):
        refused(
            media,
            lambda who=who: claim_services.claim_decide(access=who, claim=claim, approve=True),
            exc=PermissionDenied,
        )


def test_the_secretary_of_another_branch_cannot_decide(cw, media):
    claim = submit(cw)
    refused(
        media,
        lambda: claim_services.claim_decide(access=cw.sec_b, claim=claim, approve=True),
        says="只有申报人所在支部的书记或医院党委可以审核申报",
        exc=PermissionDenied,
    )


def test_the_admin_of_another_hospital_cannot_decide(cw, media, users):
    claim = submit(cw)
    for name in ("hosp", "hosp2", "city"):
        refused(
            media,
            lambda name=name: claim_services.claim_decide(
                access=access_for(users[name]), claim=claim, approve=True
            ),
            exc=PermissionDenied,
        )


def test_a_secretary_cannot_approve_their_own_claim_but_the_hospital_admin_can(cw, media):
    sec_person = cw.w.a[0]
    claim = submit(cw, access=cw.w.sec_a, person=sec_person)
    refused(
        media,
        lambda: claim_services.claim_decide(access=cw.w.sec_a, claim=claim, approve=True),
        says="不能审核本人的申报",
        exc=PermissionDenied,
    )
    refused(
        media,
        lambda: claim_services.claim_decide(
            access=cw.w.sec_a, claim=claim, approve=False, reason="撤"
        ),
        exc=PermissionDenied,
    )
    claim_services.claim_decide(access=cw.w.admin, claim=claim, approve=True)
    assert year_total(sec_person) == 2


def test_an_approval_cut_by_a_cap_says_so(cw, media):
    rule = approval_rule(cw.w, "3", monthly_cap="4")
    first, second, third = (
        submit(cw, rule=rule, occurred_on=DAY + timedelta(days=i), description=f"第{i}次")
        for i in range(3)
    )
    ok = claim_services.claim_decide(access=cw.w.sec_a, claim=first, approve=True)
    assert not ok.capped and ok.claim.entry.points == 3

    cut = claim_services.claim_decide(access=cw.w.sec_a, claim=second, approve=True, reason="同意")
    assert cut.capped and cut.award is not None and cut.award.capped_by == Period.MONTH
    assert "每月上限" in cut.message and "本次计1" in cut.message
    second.refresh_from_db()
    assert (second.entry.points, second.entry.requested) == (1, 3)
    assert second.decision_reason.startswith("同意；") and "上限" in second.decision_reason

    full = claim_services.claim_decide(access=cw.w.sec_a, claim=third, approve=True)
    third.refresh_from_db()
    assert full.capped and third.status == ClaimStatus.APPROVED and third.entry is None
    assert "本次不计分" in full.message and "本次不计分" in third.decision_reason
    assert year_total(cw.m) == 4
    assert points_check(hospital=cw.w.hospital) == []


def test_approving_a_claim_of_someone_who_left_is_refused_and_the_claim_stays_open(cw, media):
    claim = submit(cw)
    Person.objects.filter(pk=cw.m.pk).update(status=PersonStatus.LEFT)
    claim = PointClaim.objects.select_related("person").get(pk=claim.pk)
    refused(
        media,
        lambda: claim_services.claim_decide(access=cw.w.admin, claim=claim, approve=True),
        says="不是在册党员",
    )
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING


# --- appeals ---------------------------------------------------------------------------------------------


def test_a_member_appeals_an_entry_of_their_own(cw, media):
    entry = award_entry(cw)
    before = ledger_state()
    appeal = appeal_services.appeal_submit(access=cw.member, entry=entry, reason="当天我在外院进修")
    assert (appeal.status, appeal.person, appeal.entry) == (AppealStatus.PENDING, cw.m, entry)
    assert ledger_state() == before


def test_an_appeal_needs_a_reason(cw, media):
    entry = award_entry(cw)
    for reason in ("", "  "):
        refused(
            media,
            lambda reason=reason: appeal_services.appeal_submit(
                access=cw.member, entry=entry, reason=reason
            ),
            says="请填写申诉理由",
        )
    refused(
        media,
        lambda: appeal_services.appeal_submit(access=cw.member, entry=entry, reason="理" * 501),
        says="申诉理由不能超过500字",
    )


def test_only_one_appeal_per_entry_is_open_at_a_time(cw, media):
    entry = award_entry(cw)
    appeal_services.appeal_submit(access=cw.member, entry=entry, reason="第一次")
    refused(
        media,
        lambda: appeal_services.appeal_submit(access=cw.member, entry=entry, reason="第二次"),
        says="该积分已有待处理的申诉",
    )


def test_a_member_cannot_appeal_someone_elses_entry(cw, media):
    entry = award_entry(cw, person=cw.w.a[2])
    for who in (cw.member, cw.w.sec_a, cw.w.admin):
        refused(
            media,
            lambda who=who: appeal_services.appeal_submit(access=who, entry=entry, reason="不对"),
            says="只能对本人的积分提出申诉",
            exc=PermissionDenied,
        )


def test_a_reversal_or_a_reversed_entry_cannot_be_appealed(cw, media):
    entry = award_entry(cw)
    reversal = points_reverse(access=cw.w.admin, entry=entry, reason="录入错误")
    refused(
        media,
        lambda: appeal_services.appeal_submit(access=cw.member, entry=reversal, reason="不对"),
        says="冲正记录不能申诉",
    )
    refused(
        media,
        lambda: appeal_services.appeal_submit(access=cw.member, entry=entry, reason="不对"),
        says="该积分已冲正",
    )


def test_an_upheld_appeal_reverses_the_entry_and_the_totals_drop(cw, media):
    deduction_rule = PointRule.objects.get(hospital=cw.w.hospital, code="DED-ABSENT")
    award_entry(cw)
    deduction = points_award(
        access=cw.w.admin,
        person=cw.m,
        rule=deduction_rule,
        occurred_on=DAY,
        source_type="absence",
        source_id="m1",
    ).entry
    assert deduction is not None and year_total(cw.m) == 2 - 3
    appeal = appeal_services.appeal_submit(access=cw.member, entry=deduction, reason="当天请过假")
    decided = appeal_services.appeal_decide(
        access=cw.w.sec_a, appeal=appeal, uphold=True, reason="有请假条"
    )
    assert decided.status == AppealStatus.UPHELD and decided.reversal is not None
    reversal = decided.reversal
    assert (reversal.kind, reversal.points, reversal.reverses) == (
        EntryKind.REVERSAL,
        Decimal(3),
        deduction,
    )
    assert reversal.reason == "冲正：申诉成立：有请假条"
    assert decided.decided_by_id == cw.w.sec_a.user_id and decided.decision_reason == "有请假条"
    assert year_total(cw.m) == 2
    assert PointEntry.objects.filter(pk=deduction.pk).exists(), "the original stays"
    assert points_check(hospital=cw.w.hospital) == []
    # decided once only, and the reversed entry cannot be appealed again
    refused(
        media,
        lambda: appeal_services.appeal_decide(access=cw.w.admin, appeal=appeal, uphold=True),
        says="该申诉已处理",
    )
    refused(
        media,
        lambda: appeal_services.appeal_submit(access=cw.member, entry=deduction, reason="再诉"),
        says="该积分已冲正",
    )


def test_an_upheld_award_appeal_takes_the_points_off(cw, media):
    entry = award_entry(cw)
    appeal = appeal_services.appeal_submit(access=cw.member, entry=entry, reason="这次会议我没参加")
    appeal_services.appeal_decide(access=cw.w.admin, appeal=appeal, uphold=True)
    assert year_total(cw.m) == 0
    assert points_check(hospital=cw.w.hospital) == []


def test_dismissing_an_appeal_needs_a_reason_and_changes_no_points(cw, media):
    entry = award_entry(cw)
    appeal = appeal_services.appeal_submit(access=cw.member, entry=entry, reason="分数不对")
    refused(
        media,
        lambda: appeal_services.appeal_decide(access=cw.w.sec_a, appeal=appeal, uphold=False),
        says="驳回申诉须填写理由",
    )
    before = ledger_state()
    decided = appeal_services.appeal_decide(
        access=cw.w.sec_a, appeal=appeal, uphold=False, reason="签到记录显示已参加"
    )
    assert (decided.status, decided.reversal) == (AppealStatus.DISMISSED, None)
    assert ledger_state() == before
    # a new appeal may be opened once the last one is closed
    assert appeal_services.appeal_submit(access=cw.member, entry=entry, reason="补充材料").pk


def test_only_the_members_secretary_or_admin_decides_an_appeal_and_never_their_own(cw, media):
    entry = award_entry(cw)
    appeal = appeal_services.appeal_submit(access=cw.member, entry=entry, reason="不对")
    for who in (cw.member, cw.other, cw.sec_b):
        refused(
            media,
            lambda who=who: appeal_services.appeal_decide(access=who, appeal=appeal, uphold=True),
            exc=PermissionDenied,
        )
    sec_entry = award_entry(cw, person=cw.w.a[0], source="sec")
    own = appeal_services.appeal_submit(access=cw.w.sec_a, entry=sec_entry, reason="不对")
    refused(
        media,
        lambda: appeal_services.appeal_decide(access=cw.w.sec_a, appeal=own, uphold=True),
        says="不能处理本人的申诉",
        exc=PermissionDenied,
    )


def test_an_appeal_upheld_after_a_manual_reversal_links_that_reversal(cw, media):
    entry = award_entry(cw)
    appeal = appeal_services.appeal_submit(access=cw.member, entry=entry, reason="不对")
    by_hand = points_reverse(access=cw.w.admin, entry=entry, reason="已核实")
    decided = appeal_services.appeal_decide(access=cw.w.sec_a, appeal=appeal, uphold=True)
    assert decided.reversal == by_hand
    assert PointEntry.objects.filter(reverses=entry).count() == 1
    assert year_total(cw.m) == 0


# --- selectors ---------------------------------------------------------------------------------------------


def test_queues_are_scoped_and_put_pending_first(cw, media):
    mine_old = submit(cw, description="旧")
    claim_services.claim_decide(access=cw.w.sec_a, claim=mine_old, approve=False, reason="不符")
    mine_new = submit(cw, description="新")
    b_member = cw.w.b[1]
    b_access = make_access("clm_b", person=b_member, roles=[(Role.MEMBER, None, None)])
    in_b = submit(cw, access=b_access, person=b_member, description="乙支部")
    sec_own = submit(cw, access=cw.w.sec_a, person=cw.w.a[0], description="书记本人")

    sec_queue = list(claim_selectors.claim_queue(access=cw.w.sec_a, hospital=cw.w.hospital))
    assert sec_queue[-1] == mine_old
    assert set(sec_queue[:-1]) == {mine_new, sec_own}
    assert list(claim_selectors.claim_queue(access=cw.sec_b, hospital=cw.w.hospital)) == [in_b]
    assert set(claim_selectors.claim_queue(access=cw.w.admin, hospital=cw.w.hospital)) == {
        mine_old,
        mine_new,
        in_b,
        sec_own,
    }
    assert list(claim_selectors.claims_of_member(access=cw.member)) == [mine_new, mine_old]
    # what waits for a decision: never one's own
    assert claim_selectors.pending_counts(access=cw.w.sec_a) == claim_selectors.PendingCounts(1, 0)
    assert claim_selectors.pending_counts(access=cw.w.admin) == claim_selectors.PendingCounts(3, 0)
    assert claim_selectors.pending_counts(access=cw.member) == claim_selectors.PendingCounts(0, 0)
    with pytest.raises(PermissionDenied):
        claim_selectors.claim_queue(access=cw.member, hospital=cw.w.hospital)

    appeal = appeal_services.appeal_submit(access=cw.member, entry=award_entry(cw), reason="不对")
    assert list(claim_selectors.appeal_queue(access=cw.w.sec_a, hospital=cw.w.hospital)) == [appeal]
    assert list(claim_selectors.appeal_queue(access=cw.sec_b, hospital=cw.w.hospital)) == []
    assert list(claim_selectors.appeals_of_member(access=cw.member)) == [appeal]
    assert claim_selectors.pending_counts(access=cw.w.sec_a).appeals == 1


def test_another_hospitals_queue_is_not_found(cw, users):
    from django.http import Http404

    with pytest.raises(Http404):
        claim_selectors.claim_queue(access=access_for(users["hosp2"]), hospital=cw.w.hospital)
    with pytest.raises(PermissionDenied):
        claim_selectors.claim_queue(access=access_for(users["city"]), hospital=cw.w.hospital)


# --- pages -------------------------------------------------------------------------------------------------


def test_the_claim_page_is_phone_ready_and_offers_only_claimable_rules(cw):
    response = login(cw.member).get(reverse("points:claim_new"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'accept="image/*"' in html and "capture" in html
    assert cw.rule.name in html and "+2分/次" in html
    assert cw.auto.name not in html


def test_a_member_claims_through_the_page_and_sees_it_waiting(cw, media):
    client = login(cw.member)
    response = client.post(
        reverse("points:claim_new"),
        {
            "rule": cw.rule.pk,
            "occurred_on": DAY.isoformat(),
            "quantity": "1",
            "description": "门诊志愿服务",
            "photo": upload("wx_camera_123.jpg", JPEG),
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("points:claims_mine")
    claim = PointClaim.objects.get(person=cw.m)
    assert claim.photo.name.endswith(".jpg")
    page = client.get(reverse("points:claims_mine")).content.decode()
    assert "门诊志愿服务" in page and "待审核" in page
    assert reverse("points:claim_photo", args=[claim.pk]) in page


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"description": ""}, "请填写情况说明或上传照片作为佐证"),
        ({"photo": FAKE_JPG}, "只能上传JPEG、PNG或WebP格式的照片"),
        ({"occurred_on": "2199-01-01"}, "发生日期不能晚于今天"),
        ({"quantity": "-1"}, "数量必须大于0"),
        ({"quantity": "abc"}, "输入一个数字"),
        ({"occurred_on": "昨天"}, "输入一个有效的日期"),
        ({"rule": "999999"}, "选择一个有效的选项"),
    ],
)
def test_bad_claim_input_on_the_page_is_answered_in_chinese_and_changes_nothing(
    cw, media, data, says
):
    payload: dict[str, Any] = {
        "rule": cw.rule.pk,
        "occurred_on": DAY.isoformat(),
        "quantity": "1",
        "description": "说明",
    }
    payload.update(data)
    if "photo" in data:
        payload["photo"] = upload("fake.jpg", data["photo"])
    before = state(media)
    response = login(cw.member).post(reverse("points:claim_new"), payload)
    assert response.status_code == 200
    assert says in response.content.decode()
    assert state(media) == before


def test_the_auto_rule_posted_anyway_is_refused(cw, media):
    before = state(media)
    response = login(cw.member).post(
        reverse("points:claim_new"),
        {"rule": cw.auto.pk, "occurred_on": DAY.isoformat(), "quantity": "1", "description": "x"},
    )
    assert response.status_code == 200 and "选择一个有效的选项" in response.content.decode()
    assert state(media) == before


def test_the_secretary_reviews_the_evidence_and_approves_on_the_page(
    cw, media, django_assert_max_num_queries
):
    for i in range(5):
        submit(
            cw,
            description=f"第{i}次",
            occurred_on=DAY + timedelta(days=i),
            photo=upload("p.png", png_bytes(), "image/png"),
        )
    claim = PointClaim.objects.order_by("pk").first()
    client = login(cw.w.sec_a)
    # 15, and two for the 待办 badge of the menu bar (claims and appeals waiting)
    with django_assert_max_num_queries(17):
        page = client.get(reverse("points:claim_review"))
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("points:claim_photo", args=[claim.pk]) in html
    assert "第0次" in html and "通过" in html and "驳回" in html

    response = client.post(
        reverse("points:claim_decide", args=[claim.pk]), {"action": "approve", "reason": ""}
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED and claim.entry.points == 2
    follow = client.get(response["Location"]).content.decode()
    assert "已通过" in follow and "的申报，计2分" in follow

    # the same button pressed again: a message, no second payment
    client.post(reverse("points:claim_decide", args=[claim.pk]), {"action": "approve"})
    assert PointEntry.objects.filter(source_type="claim").count() == 1


def test_rejecting_without_a_reason_on_the_page_keeps_the_claim_open(cw, media):
    claim = submit(cw)
    client = login(cw.w.sec_a)
    response = client.post(
        reverse("points:claim_decide", args=[claim.pk]), {"action": "reject", "reason": ""}
    )
    assert response.status_code == 302
    assert "驳回申报须填写理由" in client.get(response["Location"]).content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING
    client.post(
        reverse("points:claim_decide", args=[claim.pk]), {"action": "reject", "reason": "无佐证"}
    )
    claim.refresh_from_db()
    assert (claim.status, claim.decision_reason) == (ClaimStatus.REJECTED, "无佐证")
    assert "无佐证" in login(cw.member).get(reverse("points:claims_mine")).content.decode()


def test_the_cap_message_is_shown_on_approval(cw, media):
    rule = approval_rule(cw.w, "3", monthly_cap="4")
    a = submit(cw, rule=rule, description="一")
    b = submit(cw, rule=rule, description="二")
    client = login(cw.w.sec_a)
    client.post(reverse("points:claim_decide", args=[a.pk]), {"action": "approve"})
    response = client.post(reverse("points:claim_decide", args=[b.pk]), {"action": "approve"})
    html = client.get(response["Location"]).content.decode()
    assert "alert-warning" in html and "每月上限" in html and "本次计1" in html


def test_deciding_on_the_page_is_denied_outside_the_scope(cw, media, client_for):
    claim = submit(cw)
    url = reverse("points:claim_decide", args=[claim.pk])
    before = state(media)
    assert login(cw.member).post(url, {"action": "approve"}).status_code == 403
    assert login(cw.other).post(url, {"action": "approve"}).status_code == 403
    assert login(cw.sec_b).post(url, {"action": "approve"}).status_code == 403
    assert client_for("hosp2").post(url, {"action": "approve"}).status_code == 404
    assert client_for("city").post(url, {"action": "approve"}).status_code == 403
    assert client_for("audit").post(url, {"action": "approve"}).status_code == 403
    assert client_for("anonymous").post(url, {"action": "approve"}).status_code == 302
    assert state(media) == before
    assert AuditEvent.objects.filter(action="denied", username="clm_sec_b").exists()


def test_the_photo_is_served_only_to_those_who_may_see_the_claim(cw, media, client_for):
    data = png_bytes()
    claim = submit(cw, photo=upload("x.png", data, "image/png"))
    url = reverse("points:claim_photo", args=[claim.pk])
    for who in (cw.member, cw.w.sec_a, cw.w.admin):
        response = login(who).get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response["Content-Disposition"].startswith("inline")
        assert "private" in response["Cache-Control"]
        assert b"".join(response.streaming_content) == (media / claim.photo.name).read_bytes()
    assert login(cw.other).get(url).status_code == 403
    assert login(cw.sec_b).get(url).status_code == 403
    assert client_for("hosp2").get(url).status_code == 404
    assert client_for("city").get(url).status_code == 403
    assert client_for("audit").get(url).status_code == 403
    anonymous = client_for("anonymous").get(url)
    assert anonymous.status_code == 302 and reverse("accounts:login") in anonymous["Location"]
    # never a public address under MEDIA_URL
    assert client_for("hosp").get(f"/media/{claim.photo.name}").status_code == 404


def test_a_claim_without_a_photo_or_a_missing_file_is_not_found(cw, media):
    claim = submit(cw)
    assert login(cw.member).get(reverse("points:claim_photo", args=[claim.pk])).status_code == 404
    with_photo = submit(cw, description="", photo=upload("x.jpg", JPEG))
    (media / with_photo.photo.name).unlink()
    url = reverse("points:claim_photo", args=[with_photo.pk])
    assert login(cw.member).get(url).status_code == 404


def test_people_who_are_not_members_cannot_open_the_claim_page(cw, client_for):
    assert client_for("city").get(reverse("points:claim_new")).status_code == 403
    assert client_for("hosp2").get(reverse("points:claim_new")).status_code == 403
    assert client_for("audit").get(reverse("points:claim_new")).status_code == 403
    assert client_for("member").get(reverse("points:claim_new")).status_code == 200


def test_a_member_appeals_from_an_entry_and_the_secretary_upholds_it(cw, media, client_for):
    entry = award_entry(cw)
    url = reverse("points:appeal_new", args=[entry.pk])
    member = login(cw.member)
    assert member.get(url).status_code == 200
    response = member.post(url, {"reason": "那天我值夜班，没有参加会议"})
    assert response.status_code == 302
    appeal = PointAppeal.objects.get(entry=entry)
    assert "那天我值夜班" in member.get(reverse("points:claims_mine")).content.decode()
    # a second appeal on the same entry is refused on the page
    again = member.post(url, {"reason": "再次申诉"})
    assert again.status_code == 200 and "该积分已有待处理的申诉" in again.content.decode()
    assert PointAppeal.objects.filter(entry=entry).count() == 1

    assert login(cw.other).get(url).status_code == 403
    assert login(cw.w.sec_a).get(url).status_code == 403
    assert client_for("hosp2").get(url).status_code == 404

    sec = login(cw.w.sec_a)
    queue = sec.get(reverse("points:appeal_review")).content.decode()
    assert "那天我值夜班" in queue and "申诉成立" in queue
    decide = reverse("points:appeal_decide", args=[appeal.pk])
    assert login(cw.sec_b).post(decide, {"action": "uphold"}).status_code == 403
    assert client_for("hosp2").post(decide, {"action": "uphold"}).status_code == 404
    sec.post(decide, {"action": "dismiss", "reason": ""})
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.PENDING
    sec.post(decide, {"action": "uphold", "reason": "排班表为证"})
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.UPHELD
    assert year_total(cw.m) == 0
    assert points_check(hospital=cw.w.hospital) == []


def test_review_pages_are_for_secretaries_and_admins(cw, client_for):
    for name in ("points:claim_review", "points:appeal_review"):
        url = reverse(name)
        assert login(cw.w.sec_a).get(url).status_code == 200
        assert login(cw.w.admin).get(url).status_code == 200
        assert login(cw.member).get(url).status_code == 403
        assert client_for("city").get(url).status_code == 403
        assert client_for("audit").get(url).status_code == 403
        # another hospital chosen in the address: not found
        assert client_for("hosp2").get(f"{url}?hospital={cw.w.hospital.pk}").status_code == 404


def test_the_review_status_tabs_and_bad_filters(cw, media):
    claim = submit(cw)
    claim_services.claim_decide(access=cw.w.sec_a, claim=claim, approve=False, reason="重复")
    client = login(cw.w.sec_a)
    url = reverse("points:claim_review")
    assert "重复" not in client.get(url).content.decode()
    assert "重复" in client.get(f"{url}?status=decided").content.decode()
    assert client.get(f"{url}?status=<script>&page=abc").status_code == 200


def test_an_approved_claim_counts_in_the_period_it_happened_not_when_approved(cw, media):
    """An approved claim lands in the period of the day it happened, not the day approved."""
    claim = submit(cw, occurred_on=date(2025, 3, 31))
    claim_services.claim_decide(access=cw.w.sec_a, claim=claim, approve=True)
    t = PointTotal.objects.get(
        person=cw.m,
        rule__isnull=True,
        period=Period.QUARTER,
        period_start=period_start(Period.QUARTER, date(2025, 3, 31)),
    )
    assert t.points == 2
