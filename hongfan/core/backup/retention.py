"""Which backups to keep: the newest of each of the last ``keep_daily`` days that have one,
the newest of each of the last ``keep_weekly`` ISO weeks, or (without those) every backup
younger than ``keep_days`` days. The newest backup is always kept. Only files named as
Hongfan names its backups (``hongfan-YYYYMMDD-HHMMSS-<vendor>.hfbak``) are ever considered,
each vendor on its own; their ``.sha256`` goes with them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from hongfan.core.backup.archive import FILE_NAME


@dataclass(frozen=True)
class Found:
    path: Path
    taken: datetime  # from the file's name (its mtime changes when it is copied)
    vendor: str


def backups_in(folder: Path) -> list[Found]:
    found = []
    for path in folder.glob("hongfan-*.hfbak") if folder.is_dir() else []:
        m = FILE_NAME.match(path.name)
        if m and path.is_file():
            try:
                taken = datetime.strptime(m.group(1) + m.group(2), "%Y%m%d%H%M%S")
            except ValueError:
                continue
            found.append(Found(path, taken, m.group(3)))
    return sorted(found, key=lambda f: f.taken, reverse=True)


def to_delete(
    found: list[Found],
    *,
    now: datetime,
    keep_daily: int | None,
    keep_weekly: int | None,
    keep_days: int | None,
) -> list[Found]:
    """The backups that retention lets go (none when no rule is given)."""
    if not keep_daily and not keep_weekly and not keep_days:
        return []
    out: list[Found] = []
    for vendor in sorted({f.vendor for f in found}):
        mine = [f for f in found if f.vendor == vendor]  # newest first
        keep = {mine[0].path}
        if keep_daily or keep_weekly:
            for size, period in ((keep_daily, _day), (keep_weekly, _week)):
                seen: list[object] = []
                for f in mine:
                    p = period(f.taken)
                    if p not in seen and len(seen) < (size or 0):
                        seen.append(p)
                        keep.add(f.path)
        else:
            assert keep_days is not None
            cutoff = now - timedelta(days=keep_days)
            keep.update(f.path for f in mine if f.taken >= cutoff)
        out.extend(f for f in mine if f.path not in keep)
    return out


def _day(t: datetime) -> object:
    return t.date()


def _week(t: datetime) -> object:
    return tuple(t.isocalendar())[:2]
