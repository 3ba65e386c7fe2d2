"""Writes of watching a video (观看进度): the page's player reports the seconds watched;
the server keeps them only forward and never faster than the time that passed between two
reports, and finishes the item (its stated minutes, its points, once) when enough of the
video has been watched."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from hongfan.core.access import Access
from hongfan.core.locks import lock_one
from hongfan.org.models import Person
from hongfan.study import validators
from hongfan.study.choices import ItemKind, LogMethod
from hongfan.study.models import StudyCompletion, StudyItem, VideoProgress
from hongfan.study.selectors.learners import learner_for
from hongfan.study.services.items import Finished, finish_by_player, read_min_seconds

SLACK_SECONDS = 5  # network delay allowed between two reports
SECONDS_MAX = 12 * 3600  # no study video is longer
WATCHED_SHARE = 0.9  # of the video (or of the item's stated minutes) that counts as watched


def _seconds(raw: Any, what: str) -> float:
    """A number of seconds from the player: a finite number from 0 to 12 hours."""
    try:
        value = float(str(raw).strip())
    except (TypeError, ValueError):
        raise ValidationError({what: "观看时长应为秒数"}) from None
    if not math.isfinite(value) or not 0 <= value <= SECONDS_MAX:
        raise ValidationError({what: f"观看时长应在0—{SECONDS_MAX}秒之间"})
    return value


def seconds_needed(item: StudyItem, duration: int | None) -> int:
    """Seconds to watch for the video to count: 90% of the video as the player measured it
    (at most the item's stated minutes), and never less than the rule's least time."""
    length = item.expected_minutes * 60
    if duration:
        length = min(length, duration)
    return max(read_min_seconds(item), int(length * WATCHED_SHARE))


@dataclass(frozen=True)
class Watched:
    progress: VideoProgress
    needed: int  # seconds
    finished: Finished | None  # set when this report finished the item
    completed: bool  # the item is finished (now or before)

    @property
    def percent(self) -> int:
        return min(100, int(self.progress.watched_seconds * 100 / (self.needed or 1)))

    @property
    def message(self) -> str:
        if self.finished is not None and self.finished.created:
            return f"已看完视频，计入学习时长{self.progress.item.expected_minutes}分钟。{self.finished.message}"
        if self.completed:
            return "该学习内容已完成"
        return f"已观看{self.percent}%"


@transaction.atomic
def video_watch(
    *,
    access: Access,
    item: StudyItem,
    watched: Any,
    duration: Any = None,
    now: datetime | None = None,
    request: HttpRequest | None = None,
) -> Watched:
    """A report of the player: ``watched`` seconds played in all on this page, ``duration``
    the video's length as the player knows it. The first report starts the clock; each
    later one may add at most the seconds passed since the previous one (a few more for the
    network), and a smaller number changes nothing. Refused, nothing stored: not a member
    meant to study the item, a withdrawn item, an item that is not a video played here,
    seconds that are not a number from 0 to 12 hours."""
    person = learner_for(access)
    if not (
        item.hospital_id == person.hospital_id
        and (item.branch_id is None or item.branch_id == person.branch_id)
    ):
        raise access.denied(item.hospital_id, "学习资料")
    if item.withdrawn_at is not None:
        raise ValidationError({"item": "该学习资料已撤回"})
    if item.kind != ItemKind.VIDEO or not validators.video_playable(item.video_url):
        raise ValidationError({"item": "该资料不能在本页播放，请登记学习时长"})
    seconds = _seconds(watched, "watched")
    length = _seconds(duration, "duration") if duration not in (None, "") else 0.0
    now = now or timezone.now()
    lock_one(Person, person.pk)
    progress = VideoProgress.objects.filter(person=person, item=item).first()
    if progress is None:
        try:
            with transaction.atomic():
                progress = VideoProgress.objects.create(
                    hospital_id=person.hospital_id,
                    person=person,
                    item=item,
                    reported_at=now,
                    duration_seconds=int(length) or None,
                )
        except IntegrityError:  # a second tab began at the same moment
            progress = VideoProgress.objects.get(person=person, item=item)
    else:
        passed = max(0.0, (now - progress.reported_at).total_seconds())
        allowed = progress.watched_seconds + passed + SLACK_SECONDS
        progress.watched_seconds = max(progress.watched_seconds, int(min(seconds, allowed)))
        progress.reported_at = max(progress.reported_at, now)
        if length >= 1:
            progress.duration_seconds = int(length)
        progress.save(update_fields=["watched_seconds", "reported_at", "duration_seconds"])
    needed = seconds_needed(item, progress.duration_seconds)
    done = StudyCompletion.objects.filter(person=person, item=item).exists()
    finished = None
    if not done and progress.watched_seconds >= needed:
        finished = finish_by_player(
            person,
            item,
            method=LogMethod.WATCH,
            access=access,
            request=request,
            seconds=progress.watched_seconds,
        )
        done = True
    progress.item = item
    return Watched(progress, needed, finished, done)
