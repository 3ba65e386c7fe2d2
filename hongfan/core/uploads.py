"""Uploaded files, for every module: what is stored and how it is served.

Taking a file in (``upload_check``): its size; its real type, recognised by its bytes; its
name, whose extension must name that same type (a JPEG that is also an HTML page, uploaded
as ``evil.html``, is refused); a photo is decoded and re-encoded, upright, without EXIF,
GPS, XMP or comments (and a decompression bomb is refused before it is decoded). The name
kept for display is cleaned of path parts and control characters and ends in the true
extension; the stored file gets a name of our own from the caller.

Serving a file (``stored_file_open`` + ``file_response``): the type is read from the stored
bytes again and mapped through our own allow-list, never guessed from a name; images are
shown inline, everything else (PDFs included) is an attachment with an RFC 5987 file name;
``nosniff``, ``no-store`` and a sandboxing CSP always."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import quote

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse

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
KIND_LABELS = {
    "jpg": "JPEG图片",
    "png": "PNG图片",
    "webp": "WebP图片",
    "pdf": "PDF文档",
    "docx": "Word文档",
    "xlsx": "Excel表格",
}
# The extensions a name may carry, and the kind each one says the file is.
EXTENSIONS: dict[str, str] = {
    "jpg": "jpg",
    "jpeg": "jpg",
    "jpe": "jpg",
    "jfif": "jpg",
    "png": "png",
    "webp": "webp",
    "pdf": "pdf",
    "docx": "docx",
    "xlsx": "xlsx",
}
# The parts a real Office Open XML file has (a ZIP holding only "word/x" is not a document).
_OOXML_PARTS = {
    "docx": {"[Content_Types].xml", "word/document.xml"},
    "xlsx": {"[Content_Types].xml", "xl/workbook.xml"},
}
_PIL_FORMATS = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}
# 50 million pixels: a 48 MP phone photo (8000×6000) passes; decoding it takes ~150 MB.
DEFAULT_MAX_PIXELS = 50_000_000
JPEG_QUALITY = 85  # what the claim form's in-browser shrinking uses too


class UploadRefused(ValueError):
    """An upload that cannot be taken; ``str(exc)`` is the Chinese reason for the user."""


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed ``upload_check``: what to store and what to show."""

    kind: str  # "jpg", "png", "webp", "pdf", "docx" or "xlsx"
    content: File  # the re-encoded image, or the document as uploaded
    size: int  # of ``content``
    name: str  # the user's file name, made safe, ending in ``.{kind}`` (for display only)

    @property
    def content_type(self) -> str:
        return FILE_TYPES[self.kind]


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
    """An image kind, "pdf", or "docx"/"xlsx" (a ZIP with the parts of one), else None."""
    head = read_head(f, 12)
    kind = image_kind(head)
    if kind or head[:5] == b"%PDF-":
        return kind or "pdf"
    if head[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(f) as z:  # type: ignore[arg-type]
                names = set(z.namelist())
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            return None
        finally:
            f.seek(0)
        for kind, parts in _OOXML_PARTS.items():
            if parts <= names:
                return kind
    return None


def megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.1f}".rstrip("0").rstrip(".")


def name_extension(name: str | None) -> str:
    """The lower-case extension of a file name's last part ("" when it has none)."""
    base = re.split(r"[\\/]", (name or "").strip())[-1]
    stem, dot, ext = base.rpartition(".")
    return ext.strip().lower() if dot else ""


_UNSAFE_RE = re.compile(r'[\\/:*?"<>|;,]+')


def safe_filename(name: str | None, kind: str, *, fallback: str = "附件") -> str:
    """A display and download name made from the user's: no path parts, no control or
    bidi-override characters, none of ``\\/:*?"<>|;,``, at most 80 characters before the
    extension, which is always ``kind``'s own (a known extension the name ends in is
    replaced: "会议.JPEG" -> "会议.jpg"; any other stays part of the stem: "a.html" ->
    "a.html.jpg")."""
    base = re.split(r"[\\/]", unicodedata.normalize("NFC", name or ""))[-1]
    base = "".join(ch for ch in base if not unicodedata.category(ch).startswith("C"))
    stem, dot, ext = base.rpartition(".")
    if not (dot and ext.strip().lower() in EXTENSIONS):
        stem = base
    stem = " ".join(_UNSAFE_RE.sub("_", stem).split()).strip("._ ")[:80].strip("._ ")
    return f"{stem or fallback}.{kind}"


def max_pixels() -> int:
    return int(getattr(settings, "UPLOAD_IMAGE_MAX_PIXELS", DEFAULT_MAX_PIXELS))


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else "、".join(names[:-1]) + "或" + names[-1]


def upload_check(
    upload: UploadedFile | File,
    allowed: dict[str, str],
    *,
    noun: str = "文件",
    accepts: str = "",
    limit: int | None = None,
    too_big_hint: str = "",
) -> CheckedUpload:
    """The upload checked against ``allowed`` (kinds of ``FILE_TYPES``) and, for an
    image, re-encoded; ``UploadRefused`` with the Chinese reason otherwise.

    ``noun`` names the thing in messages ("照片", "文档"); ``accepts`` says what may be
    uploaded ("JPEG、PNG或WebP格式的照片"); ``limit`` is the size limit in bytes
    (``UPLOAD_IMAGE_MAX_BYTES`` by default)."""
    accepts = accepts or _join(list(dict.fromkeys(TYPE_NAMES[k] for k in allowed))) + noun
    limit = limit or settings.UPLOAD_IMAGE_MAX_BYTES
    size = upload.size or 0
    if size <= 0:
        raise UploadRefused(f"上传的{noun}是空文件，请重新选择")
    if size > limit:
        raise UploadRefused(
            f"{noun}不能超过{megabytes(limit)} MB（本次{megabytes(size)} MB）{too_big_hint}"
        )
    ext = name_extension(upload.name)
    if ext and EXTENSIONS.get(ext) not in allowed:
        raise UploadRefused(f"不能上传扩展名为.{ext[:10]}的文件，只能上传{accepts}")
    kind = file_kind(upload)
    if kind is None or kind not in allowed:
        raise UploadRefused(f"只能上传{accepts}（按文件内容判断）")
    # A photo under another image type's name (phones and WeChat often save a PNG or WebP
    # as ".jpg") is taken: it is decoded, re-encoded and stored under its real type. Any
    # other mismatch (a document under an image's name, an image under a document's) is not.
    renamed_image = ext and EXTENSIONS[ext] in IMAGE_TYPES and kind in IMAGE_TYPES
    if ext and EXTENSIONS[ext] != kind and not renamed_image:
        raise UploadRefused(
            f"文件扩展名是.{ext}，内容却是{KIND_LABELS[kind]}，两者不符，请确认文件后重新选择"
        )
    name = safe_filename(upload.name, kind)
    if kind not in IMAGE_TYPES:
        return CheckedUpload(kind=kind, content=upload, size=size, name=name)
    upload.seek(0)
    data = image_reencode(upload.read(), kind)
    upload.seek(0)
    return CheckedUpload(kind=kind, content=ContentFile(data), size=len(data), name=name)


def image_reencode(data: bytes, kind: str) -> bytes:
    """The image decoded and encoded again in its own format: upright (its EXIF
    orientation applied) and without its EXIF (GPS included), XMP, comments or text.
    ``UploadRefused`` when it is too many pixels or cannot be decoded."""
    from PIL import Image, ImageOps

    too_big = "图片尺寸过大{}，最多{}万像素，请缩小后再上传".format
    limit = max_pixels()
    try:
        # Opening reads only the header; Pillow itself refuses past 2 × MAX_IMAGE_PIXELS.
        with Image.open(io.BytesIO(data), formats=[_PIL_FORMATS[kind]]) as im:
            width, height = im.size
            if width * height > limit:
                raise UploadRefused(too_big(f"（{width}×{height}像素）", limit // 10_000))
            im.load()
            icc = im.info.get("icc_profile")
            transparency = im.info.get("transparency")
            out = ImageOps.exif_transpose(im)
    except UploadRefused:
        raise
    except Image.DecompressionBombError:
        raise UploadRefused(too_big("", limit // 10_000)) from None
    except Exception:  # any failure to decode untrusted bytes gets the same answer
        raise UploadRefused("图片无法读取（可能已损坏或不是真正的图片），请换一张") from None
    out.info = {}  # savers fall back to info for comments, transparency, ICC...
    params: dict[str, Any] = {}
    if kind == "png":
        if transparency is not None:
            params["transparency"] = transparency
    else:
        if out.mode not in (("RGB", "L") if kind == "jpg" else ("RGB", "RGBA")):
            # CMYK and the like: their colour profile would not fit the converted pixels
            out, icc = out.convert("RGBA" if "A" in out.mode else "RGB"), None
        params["quality"] = JPEG_QUALITY
    if icc:
        params["icc_profile"] = icc  # colours only; says nothing about who or where
    buf = io.BytesIO()
    out.save(buf, format=_PIL_FORMATS[kind], **params)
    return buf.getvalue()


# --- serving -------------------------------------------------------------------------------------


def stored_file_open(
    storage: Storage, name: str | None, allowed: dict[str, str]
) -> tuple[IO[bytes], str] | None:
    """(open file, kind) of a stored file whose bytes are one of ``allowed``; None when
    there is no name, the file is missing, or it is not what may be served."""
    if not name:
        return None
    try:
        f = storage.open(name, "rb")
    except (FileNotFoundError, OSError):
        return None
    kind = file_kind(f)
    if kind is None or kind not in allowed:
        f.close()
        return None
    return f, kind


def content_disposition(filename: str, *, inline: bool, fallback: str) -> str:
    """RFC 6266 with an RFC 5987 UTF-8 name and an ASCII ``fallback`` for old clients."""
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", fallback) or "file"
    return (
        f'{"inline" if inline else "attachment"}; filename="{ascii_name}"; '
        f"filename*=UTF-8''{quote(filename, safe='')}"
    )


def file_response(f: IO[bytes], *, kind: str, filename: str, fallback: str) -> FileResponse:
    """A stored file of ``kind`` (from ``stored_file_open``): its type from our allow-list,
    inline only for images (a PDF is always downloaded), ``nosniff``, never cached."""
    response = FileResponse(f, content_type=FILE_TYPES[kind])
    response["Content-Disposition"] = content_disposition(
        safe_filename(filename, kind, fallback=fallback),
        inline=kind in IMAGE_TYPES,
        fallback=f"{fallback}.{kind}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
