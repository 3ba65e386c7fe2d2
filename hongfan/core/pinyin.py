"""Sorting Chinese names by pinyin (拼音), the order office staff expect of a name list.

``sort_key("张三")`` is a plain ASCII string that sorts names by the pinyin of each character
in turn, then by tone: ``zhang01san001``-like text made of lowercase letters and digits only.

Why such a key, rather than the database's collation: SQLite compares text by code point
(``BINARY``), which puts 张 after 王 by Unicode order, not pinyin; PostgreSQL compares with the
collation of the database (``zh_CN.UTF-8``, ``en_US.UTF-8`` or ``C``, chosen at ``initdb``), so
the same query would give different orders on the two and on two PostgreSQL servers. A key of
``[a-z0-9]`` only sorts the same under every one of them: the byte order of ASCII and the
primary weights of the linguistic collations agree on lowercase letters and digits (digits
before letters, letters alphabetically, no case and no punctuation for the collation to
ignore). Each syllable is padded to a fixed width with ``0`` (which sorts before every
letter), so that ``li`` sorts before ``lian`` whatever follows, and carries its tone digit
after the padding: 李 (li3) before 力 (li4), both before 连 (lian2).

The key is computed with pypinyin (pinned in uv.lock) and stored beside the name where a
paginated list sorts in the database (``org.Person.name_key``); lists built in Python sort
with the same function."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pypinyin import Style, lazy_pinyin, pinyin

SYLLABLE = 6  # the longest pinyin syllable (zhuang, chuang, shuang) has 6 letters
KEY_MAX = 255


def _syllable(text: str) -> str:
    """``zhang1`` → ``zhang01``: the letters padded to ``SYLLABLE``, then the tone digit."""
    text = text.lower().replace("ü", "v")
    tone = text[-1] if text[-1:] in ("1", "2", "3", "4") else "5"  # 轻声 after the four tones
    letters = "".join(c for c in text.rstrip("012345") if "a" <= c <= "z")[:SYLLABLE]
    return letters.ljust(SYLLABLE, "0") + tone


def _other_key(char: str) -> str:
    """A character pypinyin does not know: a Latin letter or digit sorts as itself, a
    Chinese character without pinyin after every syllable, punctuation (·) not at all."""
    if char.isascii():
        return char.lower().ljust(SYLLABLE, "0") + "0" if char.isalnum() else ""
    return "z" * SYLLABLE + "9" if char.isalpha() else ""


def _apart(text: str) -> Any:
    """pypinyin's ``errors``: characters it has no pinyin for, each apart and marked."""
    return [f"\x00{c}" for c in text]


@lru_cache(maxsize=16384)
def sort_key(name: str) -> str:
    """The pinyin sort key of ``name`` (see the module docstring): ASCII letters and digits."""
    if not name:
        return ""
    words = pinyin(name, style=Style.TONE3, heteronym=False, errors=_apart)
    parts: list[str] = []
    for word in words:
        text = word[0] if word else ""
        parts.append(_other_key(text[1:]) if text.startswith("\x00") else _syllable(text))
    return "".join(parts)[:KEY_MAX]


def name_letters(name: str) -> str:
    """``张三`` → ``zhangsan``: the name's pinyin without tones, lowercase, ASCII letters and
    digits only (what a user name made from a name is)."""
    text = "".join(lazy_pinyin(name or "", style=Style.NORMAL, errors="ignore"))
    return "".join(c for c in text.lower().replace("ü", "v") if c.isascii() and c.isalnum())
