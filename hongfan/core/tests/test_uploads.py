"""core.uploads: the checks every module's uploads go through, and the names and headers
every stored file is served with."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from hongfan.core.testing.images import jpeg_html_polyglot, metadata_of, phone_photo
from hongfan.core.uploads import (
    FILE_TYPES,
    IMAGE_TYPES,
    UploadRefused,
    content_disposition,
    safe_filename,
    upload_check,
)


def image(mode: str, fmt: str, **save: object) -> bytes:
    buf = io.BytesIO()
    Image.new(mode, (4, 3)).save(buf, format=fmt, **save)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("name", "kind", "safe"),
    [
        ("会议纪要.PDF", "pdf", "会议纪要.pdf"),
        ("../../etc/passwd", "pdf", "passwd.pdf"),
        ("C:\\Users\\张三\\合影.jpeg", "jpg", "合影.jpg"),
        ("evil.html", "jpg", "evil.html.jpg"),
        ('a"; filename="evil.html', "png", "a_ filename=_evil.html.png"),
        ("photo\u202egnp.exe", "png", "photognp.exe.png"),
        ("line\r\nbreak.jpg", "jpg", "linebreak.jpg"),
        ("...", "docx", "附件.docx"),
        ("", "xlsx", "附件.xlsx"),
        ("长" * 200 + ".pdf", "pdf", "长" * 80 + ".pdf"),
    ],
)
def test_a_users_file_name_is_made_safe_and_ends_in_the_true_extension(name, kind, safe):
    assert safe_filename(name, kind) == safe


def test_the_download_header_quotes_the_name_and_has_an_ascii_fallback():
    header = content_disposition('会议 "纪要".pdf', inline=False, fallback='x"y.pdf')
    assert header == (
        'attachment; filename="x_y.pdf"; '
        "filename*=UTF-8''%E4%BC%9A%E8%AE%AE%20%22%E7%BA%AA%E8%A6%81%22.pdf"
    )


def test_a_checked_photo_is_re_encoded_without_metadata_and_keeps_a_safe_display_name():
    checked = upload_check(SimpleUploadedFile("../IMG_1.jpg", phone_photo()), IMAGE_TYPES)
    data = checked.content.read()
    assert (checked.kind, checked.name, checked.size) == ("jpg", "IMG_1.jpg", len(data))
    assert metadata_of(data)["gps"] == {} and metadata_of(data)["size"] == (30, 60)


def test_a_polyglots_html_comment_is_not_kept_even_under_an_image_name():
    checked = upload_check(SimpleUploadedFile("ok.jpg", jpeg_html_polyglot()), IMAGE_TYPES)
    assert b"<script>" not in checked.content.read()


@pytest.mark.parametrize(
    ("mode", "fmt", "save"),
    [
        ("P", "PNG", {"transparency": 0}),
        ("LA", "PNG", {}),
        ("I;16", "PNG", {}),
        ("1", "PNG", {}),
        ("CMYK", "JPEG", {}),
        ("L", "JPEG", {}),
        ("RGBA", "WEBP", {}),
    ],
)
def test_images_of_every_mode_are_re_encoded(mode, fmt, save):
    ext = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}[fmt]
    checked = upload_check(SimpleUploadedFile(f"x.{ext}", image(mode, fmt, **save)), FILE_TYPES)
    assert metadata_of(checked.content.read())["format"] == fmt


def test_a_transparent_png_stays_transparent():
    checked = upload_check(
        SimpleUploadedFile("x.png", image("P", "PNG", transparency=0)), IMAGE_TYPES
    )
    with Image.open(checked.content) as im:
        assert im.info.get("transparency") == 0


def test_a_document_is_kept_as_uploaded():
    pdf = b"%PDF-1.4\n%%EOF\n"
    checked = upload_check(SimpleUploadedFile("纪要.pdf", pdf), FILE_TYPES)
    assert (checked.kind, checked.content.read(), checked.name) == ("pdf", pdf, "纪要.pdf")


def test_an_image_is_refused_where_only_documents_are_taken():
    with pytest.raises(UploadRefused, match="只能上传PDF、Word或Excel文件"):
        upload_check(
            SimpleUploadedFile("x.png", image("RGB", "PNG")),
            {k: v for k, v in FILE_TYPES.items() if k not in IMAGE_TYPES},
        )
