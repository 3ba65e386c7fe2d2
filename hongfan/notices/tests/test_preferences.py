"""消息设置: each user chooses per category what reaches them by SMS (or WeChat, e-mail);
the inbox always gets everything; the dispatcher reads everyone's choices in one query;
the defaults send SMS only for 账号 and for important 组织生活 messages; the page refuses
bad input with a Chinese message and changes nothing."""

from __future__ import annotations

import re
from typing import Any, ClassVar

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from hongfan.core.models import AuditEvent
from hongfan.core.notify import CATEGORIES, Message, NotifyBackend, configured_channels, notify
from hongfan.notices.backends import SmsBackend
from hongfan.notices.models import Notification, NotificationPreference
from hongfan.notices.tests.conftest import INBOX, person_user

pytestmark = pytest.mark.django_db

HERE = "hongfan.notices.tests.test_preferences"
SETTINGS_URL = "/notices/settings/"


class RecordingSms(SmsBackend):
    sent: ClassVar[list[tuple[str, str]]] = []

    def send_sms(self, mobile: str, text: str) -> None:
        self.sent.append((mobile, text))


class RecordingWechat(NotifyBackend):
    channel = "wechat"
    channel_label = "企业微信"
    sent: ClassVar[list[Message]] = []

    def send(self, messages: list[Message]) -> None:
        self.sent.extend(messages)


WITH_SMS = [INBOX, f"{HERE}.RecordingSms"]
WITH_BOTH = [INBOX, f"{HERE}.RecordingSms", f"{HERE}.RecordingWechat"]


@pytest.fixture(autouse=True)
def _clear() -> Any:
    RecordingSms.sent.clear()
    RecordingWechat.sent.clear()
    yield
    RecordingSms.sent.clear()
    RecordingWechat.sent.clear()


def choose(user: Any, category: str, channel: str, level: str) -> None:
    NotificationPreference.objects.create(
        user=user, category=category, channel=channel, level=level
    )


def texted() -> list[str]:
    return [mobile for mobile, _ in RecordingSms.sent]


# --- the dispatcher ------------------------------------------------------------------------


@override_settings(HONGFAN_NOTIFY_BACKENDS=WITH_SMS)
@pytest.mark.parametrize(
    "category,important,by_sms",
    [
        ("账号", False, True),
        ("组织生活", True, True),  # a meeting moved or cancelled
        ("组织生活", False, False),  # a meeting scheduled, a reminder
        ("积分", True, False),
        ("学习", False, False),
        ("季度之星", False, False),
        ("发展党员", False, False),
        ("系统", False, False),
    ],
)
def test_by_default_sms_goes_only_for_accounts_and_important_meeting_news(
    alice, committed, category, important, by_sms
):
    with committed():
        notify(recipients=[alice], title="通知", body="", category=category, important=important)
    assert Notification.objects.filter(recipient=alice).count() == 1  # the inbox always
    assert texted() == ([alice.person.mobile] if by_sms else [])


@override_settings(HONGFAN_NOTIFY_BACKENDS=WITH_BOTH)
def test_each_recipients_choice_is_honoured_and_the_inbox_still_gets_it(alice, bob, committed):
    choose(alice, "积分", "sms", "all")  # alice wants 积分 by SMS
    choose(bob, "积分", "wechat", "off")  # bob wants no 积分 on WeChat
    with committed():
        notify(recipients=[alice, bob], title="积分申报已通过", body="", category="积分")
    assert texted() == [alice.person.mobile]
    assert [m.user.pk for m in RecordingWechat.sent] == [alice.pk]
    assert Notification.objects.filter(recipient__in=[alice, bob]).count() == 2


@override_settings(HONGFAN_NOTIFY_BACKENDS=WITH_SMS)
def test_a_choice_of_important_only_takes_the_important_messages(alice, committed):
    choose(alice, "账号", "sms", "important")
    with committed():
        notify(recipients=[alice], title="登录提醒", body="", category="账号")
        notify(recipients=[alice], title="密码已重置", body="", category="账号", important=True)
    assert [text for _, text in RecordingSms.sent] == ["【红帆】密码已重置"]


@override_settings(HONGFAN_NOTIFY_BACKENDS=WITH_BOTH)
def test_the_choices_of_all_recipients_are_read_in_one_query(committed):
    users = [person_user(f"ntc_q{i}") for i in range(12)]
    for u in users[::2]:
        choose(u, "组织生活", "sms", "all")
    with CaptureQueriesContext(connection) as queries, committed():
        notify(recipients=users, title="会议通知", body="", category="组织生活")
    reads = [q for q in queries if "notices_notificationpreference" in q["sql"]]
    assert len(reads) == 1
    assert sorted(texted()) == sorted(u.person.mobile for u in users[::2])
    assert len(RecordingWechat.sent) == 12


def test_the_inbox_alone_reads_no_choices(alice, committed):
    with CaptureQueriesContext(connection) as queries, committed():
        notify(recipients=[alice], title="通知", body="", category="积分")
    assert not [q for q in queries if "notices_notificationpreference" in q["sql"]]


def test_channels_offered_are_those_of_the_configured_backends():
    with override_settings(HONGFAN_NOTIFY_BACKENDS=[INBOX]):
        assert configured_channels() == []
    with override_settings(HONGFAN_NOTIFY_BACKENDS=WITH_BOTH):
        assert configured_channels() == [("sms", "短信"), ("wechat", "企业微信")]


# --- the page ------------------------------------------------------------------------------


def prefs(user: Any) -> list[tuple[str, str, str]]:
    return sorted(
        NotificationPreference.objects.filter(user=user).values_list("category", "channel", "level")
    )


def full_post(**over: str) -> dict[str, str]:
    """Every choice at its default (as the page shows it), with ``over`` changed."""
    data = {}
    for i, category in enumerate(CATEGORIES):
        for channel in ("sms", "wechat"):
            data[f"c{i}_{channel}"] = category.default(channel)
    data.update(over)
    return data


@override_settings(HONGFAN_NOTIFY_BACKENDS=WITH_BOTH)
def test_the_settings_page_lists_every_category_with_its_choices(client, alice):
    client.force_login(alice)
    html = client.get(SETTINGS_URL).content.decode()
    for category in CATEGORIES:
        assert category.name in html and category.description in html
    assert "站内消息：始终接收" in html and "短信" in html and "企业微信" in html
    assert "仅重要消息" in html and "不接收" in html
    shown = re.sub(r"<[^>]*>", " ", html)  # what the user reads: no codes of ours
    assert not re.search(r"wechat|sms|important|组织生活·", shown)


@override_settings(HONGFAN_NOTIFY_BACKENDS=WITH_BOTH)
def test_saving_the_settings_stores_only_what_differs_from_the_defaults(client, alice, bob):
    client.force_login(alice)
    # 积分 (the second category) by SMS, 账号 (the sixth) not by WeChat
    response = client.post(SETTINGS_URL, full_post(c1_sms="all", c5_wechat="off"))
    assert response.status_code == 302 and response["Location"] == SETTINGS_URL
    assert prefs(alice) == [("积分", "sms", "all"), ("账号", "wechat", "off")]
    assert prefs(bob) == []
    assert AuditEvent.objects.filter(target_id=str(alice.pk)).exists()
    page = client.get(SETTINGS_URL).content.decode()
    assert "消息设置已保存" in page
    # back to the defaults: no rows left
    client.post(SETTINGS_URL, full_post())
    assert prefs(alice) == []


@override_settings(HONGFAN_NOTIFY_BACKENDS=WITH_BOTH)
@pytest.mark.parametrize(
    "bad,says",
    [
        ({"c1_sms": "always"}, "“积分·短信”的选择无效，请从列表中选择"),
        ({"c1_sms": "all\x00"}, "“积分·短信”的选择无效"),
        ({"c0_wechat": "9" * 40}, "“组织生活·企业微信”的选择无效"),
        ({"c2_sms": ""}, "请选择“学习·短信”的接收方式"),
    ],
)
def test_bad_input_on_the_settings_page_gets_a_chinese_message_and_changes_nothing(
    client, alice, bad, says
):
    choose(alice, "季度之星", "sms", "all")
    client.force_login(alice)
    response = client.post(SETTINGS_URL, full_post(c3_sms="off", **bad))
    assert response.status_code == 200
    assert says in response.content.decode()
    assert prefs(alice) == [("季度之星", "sms", "all")]


def test_without_sms_or_wechat_the_page_says_messages_stay_in_the_app(client, alice):
    client.force_login(alice)
    html = client.get(SETTINGS_URL).content.decode()
    assert "本系统尚未开通短信或微信通知" in html
    assert client.post(SETTINGS_URL, {}).status_code == 302
    assert prefs(alice) == []


def test_the_inbox_links_to_the_settings(client, alice):
    client.force_login(alice)
    assert SETTINGS_URL in client.get("/notices/").content.decode()
