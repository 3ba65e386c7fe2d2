"""An account created: the person hears of it in the app and by SMS to their mobile, with
their username and never the password; a refused creation tells nobody."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from hongfan.accounts import services
from hongfan.accounts.models import User
from hongfan.core.access import access_for
from hongfan.notices.backends import SmsBackend
from hongfan.notices.models import Notification
from hongfan.org.tests.factories import make_person, primary

PASSWORD = "Qiyue#Lanhua2026"


class RecordingSms(SmsBackend):
    sent: ClassVar[list[tuple[str, str]]] = []

    def send_sms(self, mobile: str, text: str) -> None:
        self.sent.append((mobile, text))


BACKENDS = ["hongfan.notices.backends.InboxBackend", f"{__name__}.RecordingSms"]


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Any:
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture(autouse=True)
def _clear() -> Any:
    RecordingSms.sent.clear()
    yield
    RecordingSms.sent.clear()


def create(users: dict[str, User], username: str, person: Any = None) -> User:
    return services.user_create(
        access=access_for(users["sysadmin"]),
        username=username,
        display_name="李兰",
        password=PASSWORD,
        person=person,
    )


@override_settings(HONGFAN_NOTIFY_BACKENDS=BACKENDS)
def test_a_new_account_is_announced_in_the_app_and_by_sms_without_the_password(
    db, users, committed
):
    person = make_person(primary())
    with committed():
        user = create(users, "lilan2026", person)
    (n,) = Notification.objects.filter(recipient=user)
    assert (n.title, n.category, n.link) == ("红帆账号已开通", "账号", "/accounts/login/")
    assert "lilan2026" in n.body and PASSWORD not in n.body
    ((mobile, text),) = RecordingSms.sent
    assert mobile == person.mobile
    assert "lilan2026" in text and PASSWORD not in text
    assert not Notification.objects.filter(title="红帆账号已开通").exclude(recipient=user).exists()


@override_settings(HONGFAN_NOTIFY_BACKENDS=BACKENDS)
def test_an_account_without_a_person_gets_its_message_in_the_app_only(db, users, committed):
    with committed():
        user = create(users, "wuren2026")
    assert Notification.objects.filter(recipient=user, title="红帆账号已开通").count() == 1
    assert RecordingSms.sent == []


@override_settings(HONGFAN_NOTIFY_BACKENDS=BACKENDS)
def test_a_refused_account_tells_nobody(db, users, committed):
    before = Notification.objects.count()
    with committed(), pytest.raises(ValidationError):
        create(users, "member")  # the username exists
    assert Notification.objects.count() == before
    assert RecordingSms.sent == []
