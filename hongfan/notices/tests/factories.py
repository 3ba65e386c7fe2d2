"""factory_boy builder of inbox rows. A notification belongs to its recipient (a user of the
demo's primary hospital by default, see ``hongfan.accounts.tests.factories``)."""

from __future__ import annotations

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from hongfan.accounts.tests.factories import UserFactory
from hongfan.notices.models import Notification


class NotificationFactory(DjangoModelFactory):
    """An unread notification with a link inside the site (``read=True`` for a read one)."""

    class Meta:
        model = Notification

    class Params:
        read = factory.Trait(read_at=factory.LazyFunction(timezone.now))

    recipient = factory.SubFactory(UserFactory, member=True)
    category = "组织生活"
    title = factory.Sequence(lambda n: f"测试通知{n}")
    body = "请按时参加支部党员大会。"
    link = "/orglife/mine/"
    key = factory.Sequence(lambda n: f"fx.notice:{n}")
