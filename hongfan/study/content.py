"""What study material may contain: article HTML cleaned with nh3 against a small
allow-list, video links, and documents (PDF/DOCX) recognised by their bytes."""

from __future__ import annotations

import html
import io
import re
import zipfile
from typing import IO
from urllib.parse import urlsplit

import nh3
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "blockquote",
    "a",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}}
URL_SCHEMES = {"http", "https", "mailto"}
_TAG_RE = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")

# Documents accepted, by content: PDF, and DOCX (a zip holding word/document.xml).
DOCUMENT_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
DEFAULT_DOCUMENT_MAX_BYTES = 20 * 1024 * 1024


def document_max_bytes() -> int:
    return int(getattr(settings, "STUDY_DOCUMENT_MAX_BYTES", DEFAULT_DOCUMENT_MAX_BYTES))


def clean_article(text: str) -> str:
    """Safe HTML for an article. Plain text (no tags) becomes paragraphs, one per line."""
    text = (text or "").strip()
    if not text:
        return ""
    if not _TAG_RE.search(text):
        paragraphs = [line.strip() for line in text.splitlines() if line.strip()]
        text = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return nh3.clean(
        text,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


def visible_text(cleaned_html: str) -> str:
    """The words of an article (is anything left after cleaning?)."""
    return html.unescape(_TAG_RE.sub("", cleaned_html or "")).strip()


def video_url_error(url: str) -> str | None:
    url = (url or "").strip()
    if not url:
        return "请填写视频链接"
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname or " " in url:
        return "视频链接应以 http:// 或 https:// 开头"
    if len(url) > 500:
        return "视频链接不能超过500个字符"
    return None


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.1f}".rstrip("0").rstrip(".")


def _head(f: IO[bytes] | UploadedFile, n: int) -> bytes:
    f.seek(0)
    data = f.read(n)
    f.seek(0)
    return data if isinstance(data, bytes) else b""


def document_kind(f: IO[bytes] | UploadedFile) -> str | None:
    """ "pdf" or "docx" judged by the file's bytes (never by its name), else None."""
    head = _head(f, 8)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            f.seek(0)
            data = f.read()
            f.seek(0)
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        if "word/document.xml" in names and "[Content_Types].xml" in names:
            return "docx"
    return None


def document_errors(upload: UploadedFile) -> tuple[str | None, str | None]:
    """(error, kind) of an uploaded study document: its size and its real type."""
    size = upload.size or 0
    limit = document_max_bytes()
    if size <= 0:
        return "上传的文档是空文件，请重新选择", None
    if size > limit:
        return (
            f"文档不能超过{_megabytes(limit)} MB（本次{_megabytes(size)} MB），请压缩或拆分后再上传",
            None,
        )
    kind = document_kind(upload)
    if kind is None:
        return "只能上传PDF或Word（.docx）文档（按文件内容判断，不看扩展名）", None
    return None, kind
