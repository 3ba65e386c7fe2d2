"""What study material and answers may be: article HTML cleaned with nh3 against a small
allow-list, video links, documents (PDF/DOCX) recognised by their bytes
(``core.uploads``), and a member's answer to a question as the option letters it means."""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Any
from urllib.parse import urlsplit

import nh3
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from hongfan.core.uploads import FILE_TYPES, CheckedUpload, UploadRefused, upload_check
from hongfan.study.choices import QuestionKind
from hongfan.study.models import Question

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
DOCUMENT_TYPES: dict[str, str] = {k: FILE_TYPES[k] for k in ("pdf", "docx")}
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


PLAYABLE = (".mp4", ".webm", ".ogv", ".m4v")


def video_playable(url: str) -> bool:
    """A video file the page's own player plays (and reports watching of), rather than a
    page on another site."""
    return urlsplit(url or "").path.lower().endswith(PLAYABLE)


def video_origin(url: str) -> str:
    """The origin (scheme://host[:port]) a playable video is loaded from, for the page's
    Content-Security-Policy (``media-src``)."""
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}"


def document_check(upload: UploadedFile) -> tuple[str | None, CheckedUpload | None]:
    """(error, checked document) of an uploaded study document: its size, its real type
    and a name that agrees with it (``core.uploads``)."""
    try:
        return None, upload_check(
            upload,
            DOCUMENT_TYPES,
            noun="文档",
            accepts="PDF或Word（.docx）文档",
            limit=document_max_bytes(),
            too_big_hint="，请压缩或拆分后再上传",
        )
    except UploadRefused as exc:
        return str(exc), None


# --- answers ---------------------------------------------------------------------------------------

_JUDGE_WORDS = {
    "对": "A",
    "正确": "A",
    "√": "A",
    "✓": "A",
    "错": "B",
    "错误": "B",
    "×": "B",
    "✗": "B",
}
_SEPARATORS = re.compile(r"[\s,，、;；/|]+")


def letters_of(raw: str) -> str:
    """ "a, c" / "ＡＣ" / "A、C" → "AC" (sorted, no repeats); letters only, else ValueError."""
    text = unicodedata.normalize("NFKC", raw or "").upper()
    text = _SEPARATORS.sub("", text)
    if not text:
        return ""
    if not all("A" <= c <= "Z" for c in text):
        raise ValueError(text)
    return "".join(sorted(set(text)))


def normalise_answer(question: Question, raw: Any) -> str:
    """A member's answer to a question as the letters it means ("" when unanswered);
    ValueError with a Chinese reason when it is not a possible answer."""
    if raw is None:
        return ""
    if isinstance(raw, list | tuple):
        raw = "".join(str(x) for x in raw)
    text = str(raw).strip()
    if not text:
        return ""
    if question.kind == QuestionKind.JUDGE:
        folded = unicodedata.normalize("NFKC", text)
        if folded in _JUDGE_WORDS:
            return _JUDGE_WORDS[folded]
        if folded.upper() in ("A", "B"):
            return folded.upper()
        raise ValueError("判断题请回答“对”或“错”")
    try:
        letters = letters_of(text)
    except ValueError:
        raise ValueError("请用选项字母作答，如 A 或 AC") from None
    valid = {chr(ord("A") + i) for i in range(len(question.options))}
    wrong = [c for c in letters if c not in valid]
    if wrong:
        last = chr(ord("A") + len(question.options) - 1)
        raise ValueError(f"选项{'、'.join(wrong)}不存在（本题只有A—{last}）")
    if question.kind == QuestionKind.SINGLE and len(letters) > 1:
        raise ValueError("单选题只能选一个答案")
    return letters
