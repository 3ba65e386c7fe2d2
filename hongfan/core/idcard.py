"""Resident identity numbers (GB 11643-1999) and mainland mobile numbers."""

from __future__ import annotations

import random
import re
from datetime import date

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CODES = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CODES[total % 11]


def normalise_id_number(value: str) -> str:
    return value.strip().replace(" ", "").upper()


def id_number_error(value: str) -> str | None:
    """Return a Chinese reason why ``value`` is not a valid 18-digit ID number, or None."""
    if not _ID_RE.match(value):
        return "身份证号应为18位（前17位为数字，最后一位为数字或X）"
    try:
        birth = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "身份证号中的出生日期无效"
    if birth > date.today() or birth.year < 1900:
        return "身份证号中的出生日期无效"
    if check_digit(value[:17]) != value[17]:
        return "身份证号校验位错误"
    return None


def birth_date_from_id(value: str) -> date:
    return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def gender_from_id(value: str) -> str:
    """'M' or 'F' from the sequence digit (odd = male)."""
    return "M" if int(value[16]) % 2 == 1 else "F"


def make_id_number(region: str, birth: date, gender: str, rng: random.Random) -> str:
    seq = rng.randint(0, 99) * 10 + rng.choice(
        [1, 3, 5, 7, 9] if gender == "M" else [0, 2, 4, 6, 8]
    )
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + check_digit(first17)


def normalise_mobile(value: str) -> str:
    v = value.strip().replace(" ", "").replace("-", "")
    if v.startswith("+86"):
        v = v[3:]
    return v


def mobile_error(value: str) -> str | None:
    if not _MOBILE_RE.match(value):
        return "手机号应为以1开头的11位数字"
    return None
