"""(Across the apps, hence here above the layers.) The home page's tasks and panels, and the
待办 badge, are kept per process under the data stamp (hongfan.core.datastamp): what a user
would notice is that they are never stale and never someone else's — a write by another
worker (a plain save, ``update()``, ``bulk_create``, raw SQL, a service) shows on the very
next view, a task done disappears at once, a write rolled back moves nothing — and that a
warm home page costs the request's floor and one query.

Database notes (as in hongfan/points/tests/test_concurrency.py). Another worker's write must
really commit, so these tests run with ``transaction=True``: the database is flushed at each
test's teardown, which also deletes the session's demo city; ``_demo_city`` builds the small
demo city again before each test (idempotent, about a second) and once after the module for
the tests that run later. "Another worker" is another thread: its own database connection,
which commits on its own, as a second gunicorn worker's would.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hongfan.accounts.models import User
from hongfan.core import datastamp
from hongfan.org.demo.city import DEMO_PASSWORD
from hongfan.points.models import PointClaim
from hongfan.points.models.claims import ClaimStatus
from hongfan.points.tests.factories import PointClaimFactory

pytestmark = pytest.mark.django_db(transaction=True)

T = TypeVar("T")


@pytest.fixture(scope="module", autouse=True)
def _restore_demo_city(django_db_blocker: Any) -> Iterator[None]:
    yield
    with django_db_blocker.unblock():
        call_command("builddemo", "--small", verbosity=0)


@pytest.fixture(autouse=True)
def _demo_city(transactional_db: Any) -> None:
    if not User.objects.filter(username="sec").exists():
        call_command("builddemo", "--small", verbosity=0)
    datastamp.clear()  # the build above wrote: start from an empty cache


def elsewhere(work: Callable[[], T]) -> T:
    """``work()`` in another thread, on its own database connection (another worker)."""
    done: list[T] = []
    failed: list[BaseException] = []

    def run() -> None:
        try:
            done.append(work())
        except BaseException as e:  # handed to the test
            failed.append(e)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failed:
        raise failed[0]
    return done[0]


def login(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def home(client: Client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


_CLAIMS = re.compile(r"待审核的积分申报</a> <span class=\"badge[^\"]*\">(\d+)</span>")


def claims_waiting(html: str) -> int:
    """The count the home page shows beside 待审核的积分申报 (0 when the task is absent)."""
    found = _CLAIMS.search(html)
    return int(found.group(1)) if found else 0


def badge(html: str) -> int:
    found = re.search(r'title="待办事项">待办 (\d+)</a>', html)
    return int(found.group(1)) if found else 0


def _reopen_by_update(claim: PointClaim) -> None:
    PointClaim.objects.filter(pk=claim.pk).update(status=ClaimStatus.PENDING)


def _reopen_by_raw_sql(claim: PointClaim) -> None:
    table = connection.ops.quote_name(PointClaim._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = %s WHERE id = %s",  # noqa: S608
            [ClaimStatus.PENDING, claim.pk],
        )


# how the claim is built, whether it is saved before the page is warmed, and the write
WRITES: dict[str, tuple[ClaimStatus, bool, Callable[[PointClaim], Any]]] = {
    "save": (ClaimStatus.PENDING, False, lambda claim: claim.save()),
    "bulk_create": (
        ClaimStatus.PENDING,
        False,
        lambda claim: PointClaim.objects.bulk_create([claim]),
    ),
    "update": (ClaimStatus.APPROVED, True, _reopen_by_update),
    "raw_sql": (ClaimStatus.APPROVED, True, _reopen_by_raw_sql),
}


@pytest.mark.parametrize("how", list(WRITES))
def test_a_claim_written_by_another_worker_shows_on_the_secretarys_next_home_view(how):
    status, saved_first, write = WRITES[how]
    claim = elsewhere(lambda: PointClaimFactory.build(status=status))  # its rule is saved
    if saved_first:
        elsewhere(claim.save)  # a decided claim, not waiting
    client = login("sec")
    before = claims_waiting(home(client))
    assert claims_waiting(home(client)) == before  # warm: from the cache
    elsewhere(lambda: write(claim))
    html = home(client)
    assert claims_waiting(html) == before + 1
    assert badge(html) == before + 1
    # and the badge of another page agrees
    people = client.get(reverse("org:people")).content.decode()
    assert badge(people) == before + 1


def test_a_claim_decided_disappears_from_the_home_page_and_the_badge_at_once():
    claim = elsewhere(lambda: PointClaimFactory())
    client = login("sec")
    before = claims_waiting(home(client))
    assert before >= 1
    assert claims_waiting(home(client)) == before  # warm
    response = client.post(
        reverse("points:claim_decide", args=[claim.pk]), {"action": "approve", "reason": ""}
    )
    assert response.status_code in (200, 302)
    html = home(client)
    assert claims_waiting(html) == before - 1
    assert badge(html) == before - 1


def test_a_service_call_by_another_worker_takes_the_task_off_the_page():
    from hongfan.core.access import access_for
    from hongfan.points.services.claims import claim_decide

    claim = elsewhere(lambda: PointClaimFactory())
    client = login("sec")
    before = claims_waiting(home(client))
    assert claims_waiting(home(client)) == before

    def decide() -> None:
        hosp = access_for(User.objects.get(username="hosp"))
        claim_decide(access=hosp, claim=PointClaim.objects.get(pk=claim.pk), approve=True)

    elsewhere(decide)
    assert claims_waiting(home(client)) == before - 1


def test_the_cache_never_shows_one_users_tasks_to_another():
    elsewhere(lambda: PointClaimFactory())
    sec, member, hosp, hosp2 = (login(n) for n in ("sec", "member", "hosp", "hosp2"))
    assert claims_waiting(home(sec)) >= 1
    assert claims_waiting(home(hosp)) >= 1
    # the same data version, the cache warm with the others' pages: none of it shows here
    member_html = home(member)
    assert "待审核的积分申报" not in member_html and "待我处理" not in member_html
    hosp2_html = home(hosp2)
    assert "济宁市第三人民医院" not in hosp2_html
    hosp2_before = claims_waiting(hosp2_html)
    elsewhere(lambda: PointClaimFactory())
    assert claims_waiting(home(hosp2)) == hosp2_before  # another hospital's claim
    assert "你好，" + User.objects.get(username="member").display_name in home(member)


def test_a_write_rolled_back_moves_nothing_and_a_committed_one_moves_the_stamp_once():
    claim = elsewhere(lambda: PointClaimFactory.build())
    client = login("sec")
    before = claims_waiting(home(client))
    stamp = datastamp.current()
    assert stamp is not None

    def rolled_back() -> None:
        with transaction.atomic():
            claim.save()
            transaction.set_rollback(True)

    def savepoint_rolled_back() -> None:
        with transaction.atomic():  # commits, having kept nothing
            try:
                with transaction.atomic():
                    claim.save()
                    raise RuntimeError("the import found a bad row")
            except RuntimeError:
                pass

    elsewhere(rolled_back)
    elsewhere(savepoint_rolled_back)
    assert datastamp.current() == stamp
    assert claims_waiting(home(client)) == before

    def three_writes() -> None:
        with transaction.atomic():
            for _ in range(3):
                PointClaimFactory()

    elsewhere(three_writes)
    assert datastamp.current() == stamp + 1
    assert claims_waiting(home(client)) == before + 3


def test_signing_in_and_reading_pages_move_nothing():
    from hongfan.accounts.policy import get_policy

    get_policy()  # the security policy's row, made on first use (the database was flushed)
    stamp = datastamp.current()
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": "member", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302, "the demo password changed?"
    for path in ("/", reverse("points:mine"), reverse("orglife:mine"), reverse("study:mine")):
        assert client.get(path).status_code == 200
    assert datastamp.current() == stamp


# The request's floor (session, user, roles and the 消息 badge) and the data stamp: nothing of
# the apps' sources and panels while no one writes (before: member 22, sec 43, hosp 30, city 18).
WARM_HOME_QUERIES = 5


@pytest.mark.parametrize("name", ["member", "sec", "hosp", "city"])
def test_a_warm_home_page_asks_the_floor_and_one_query(name):
    client = login(name)
    cold = home(client)
    with CaptureQueriesContext(connection) as warm_queries:
        warm = home(client)
    assert len(warm_queries) == WARM_HOME_QUERIES, [q["sql"] for q in warm_queries]
    # the same page but for the form tokens
    tokens = re.compile(r"\b[A-Za-z0-9]{64}\b")  # CSRF tokens, in forms and htmx headers
    assert tokens.sub("", warm) == tokens.sub("", cold)
