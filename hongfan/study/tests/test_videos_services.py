"""Watching a video: the player's reports count only forward and never faster than the
time that passed; enough watched finishes the item once, at the minutes the item states."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hongfan.points.models import PointEntry
from hongfan.study.choices import ItemKind
from hongfan.study.models import StudyCompletion, StudyLog, VideoProgress
from hongfan.study.services import videos as video_services
from hongfan.study.tests.conftest import messages_of, study_state

pytestmark = pytest.mark.django_db

URL = "https://video.example.org/study/lesson.mp4"


def video(world, **kw):
    values = {"kind": ItemKind.VIDEO, "video_url": URL, "body": "", "expected_minutes": 10}
    values.update(kw)
    return world.item(**values)


def watch(world, person, item, watched, *, at, duration=None):
    return video_services.video_watch(
        access=world.member(person), item=item, watched=watched, duration=duration, now=at
    )


def state():
    return study_state(), list(VideoProgress.objects.values_list("pk", "watched_seconds"))


def test_watching_to_the_end_finishes_the_item_at_its_stated_minutes_once(world):
    person, item = world.a[1], video(world, expected_minutes=10)
    t0 = timezone.now()
    watch(world, person, item, 0, at=t0, duration=600)
    for k in range(1, 61):  # a report every ten seconds for ten minutes
        done = watch(world, person, item, k * 10, at=t0 + timedelta(seconds=k * 10), duration=600)
    assert done.completed
    log = StudyLog.objects.get(person=person, item=item)
    assert (log.method, log.minutes, log.status) == ("watch", 10, "confirmed")
    assert StudyCompletion.objects.filter(person=person, item=item).count() == 1
    assert PointEntry.objects.filter(person=person, source_type="study").count() == 1


def test_a_jump_ahead_counts_only_the_time_that_passed(world):
    person, item = world.a[1], video(world)
    t0 = timezone.now()
    watch(world, person, item, 0, at=t0)
    done = watch(world, person, item, 590, at=t0 + timedelta(seconds=20))
    assert done.progress.watched_seconds == 25  # 20 s passed, 5 s of network slack
    assert not done.completed
    assert not StudyLog.objects.filter(person=person, item=item).exists()


def test_a_smaller_number_changes_nothing(world):
    person, item = world.a[1], video(world)
    t0 = timezone.now()
    watch(world, person, item, 0, at=t0)
    watch(world, person, item, 30, at=t0 + timedelta(seconds=30))
    done = watch(world, person, item, 5, at=t0 + timedelta(seconds=40))
    assert done.progress.watched_seconds == 30


def test_a_short_video_counts_when_nine_tenths_of_it_are_watched(world):
    person, item = world.a[1], video(world, expected_minutes=10)
    t0 = timezone.now()
    watch(world, person, item, 0, at=t0, duration=120)
    done = watch(world, person, item, 108, at=t0 + timedelta(seconds=110), duration=120)
    assert done.completed and StudyLog.objects.get(item=item).minutes == 10


@pytest.mark.parametrize(
    "raw, says",
    [
        ("-5", "0—43200秒"),
        ("9" * 40, "0—43200秒"),
        ("nan", "0—43200秒"),
        ("inf", "0—43200秒"),
        ("1e9", "0—43200秒"),
        ("abc", "观看时长应为秒数"),
        ("1\x00", "观看时长应为秒数"),
        ("", "观看时长应为秒数"),
    ],
)
def test_bad_seconds_are_refused_and_change_nothing(world, raw, says):
    person, item = world.a[1], video(world)
    watch(world, person, item, 0, at=timezone.now())
    before = state()
    with pytest.raises(ValidationError) as info:
        watch(world, person, item, raw, at=timezone.now())
    assert says in messages_of(info.value)
    assert state() == before


def test_only_a_member_meant_for_the_video_reports_and_only_a_playable_one(world):
    item_b = video(world, branch=world.branch_b)
    link = video(world, video_url="https://www.12371.cn/")
    before = state()
    with pytest.raises(PermissionDenied):
        watch(world, world.a[1], item_b, 0, at=timezone.now())
    with pytest.raises(ValidationError) as info:
        watch(world, world.a[1], link, 0, at=timezone.now())
    assert "不能在本页播放" in messages_of(info.value)
    assert state() == before


def test_the_page_plays_the_video_and_hides_the_typed_minutes(world):
    person, item = world.a[1], video(world)
    world.member(person)
    client = Client()
    client.force_login(world.users[f"m{person.pk}"])
    page = client.get(reverse("study:item", args=[item.pk])).content.decode()
    assert 'id="study-video"' in page and "data-watch-url=" in page
    assert 'id="log-form"' not in page and "study-watch.js" in page
    policy = client.get(reverse("study:item", args=[item.pk]))["Content-Security-Policy"]
    assert "media-src 'self' https://video.example.org" in policy
    assert "script-src 'self'" in policy
    response = client.post(reverse("study:item_watch", args=[item.pk]), {"watched": "-1"})
    assert response.status_code == 400 and "0—43200秒" in response.json()["detail"]
    response = client.post(reverse("study:item_watch", args=[item.pk]), {"watched": "0"})
    assert response.status_code == 200 and response.json()["percent"] == 0
