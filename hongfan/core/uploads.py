"""Uploaded files are recognised by their first bytes (never by their name) and size-checked
before they are stored; every module uses these checks."""

from __future__ import annotations

from typing import IO

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

IMAGE_TYPES: dict[str, str] = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
DOCUMENT_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FILE_TYPES: dict[str, str] = {**IMAGE_TYPES, **DOCUMENT_TYPES}
TYPE_NAMES = {
    "jpg": "JPEG",
    "png": "PNG",
    "webp": "WebP",
    "pdf": "PDF",
    "docx": "Word",
    "xlsx": "Excel",
}


def read_head(f: IO[bytes] | UploadedFile, n: int = 12) -> bytes:
    f.seek(0)
    head = f.read(n)
    f.seek(0)
    return head if isinstance(head, bytes) else b""


def image_kind(head: bytes) -> str | None:
    """The extension of a JPEG, PNG or WebP image from its first 12 bytes, else None."""
    if head[:3] == b"\xff\xd8\xff":
        return "jpg"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def file_kind(f: IO[bytes] | UploadedFile) -> str | None:
    """An image kind, "pdf", or "docx"/"xlsx" (a ZIP holding word/ or xl/), else None."""
    head = read_head(f, 12)
    kind = image_kind(head)
    if kind or head[:5] == b"%PDF-":
        return kind or "pdf"
    if head[:4] == b"PK\x03\x04":
        import zipfile

        try:
            with zipfile.ZipFile(f) as z:
                names = z.namelist()
        except (zipfile.BadZipFile, OSError):
            return None
        finally:
            f.seek(0)
        if any(n.startswith("word/") for n in names):
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
    return None


def megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.1f}".rstrip("0").rstrip(".")


def upload_errors(
    upload: UploadedFile, allowed: dict[str, str], *, limit: int | None = None
) -> tuple[str | None, str | None]:
    """(error, extension): the size and the real type of an upload, against ``allowed``."""
    limit = limit or settings.UPLOAD_IMAGE_MAX_BYTES
    size = upload.size or 0
    if size <= 0:
        return "上传的是空文件，请重新选择", None
    if size > limit:
        return f"文件不能超过{megabytes(limit)} MB（本次{megabytes(size)} MB）", None
    kind = image_kind(read_head(upload)) if set(allowed) <= set(IMAGE_TYPES) else file_kind(upload)
    if kind is None or kind not in allowed:
        names = "、".join(dict.fromkeys(TYPE_NAMES[k] for k in allowed))
        return f"只能上传{names}文件（按文件内容判断，不看扩展名）", None
    return None, kind
