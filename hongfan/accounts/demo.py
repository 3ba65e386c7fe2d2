"""accounts' part of the demo city: the demo member ``member`` gets a known mobile, so that
logging in by SMS code and 找回密码 can be tried (outside production the code appears in the
server's log, written by the log SMS backend)."""

from __future__ import annotations

from typing import Any

from hongfan.core import pii

DEMO_MOBILE = "13912340000"


def build_city_accounts(authority: Any) -> None:
    from hongfan.accounts.models import User
    from hongfan.org.models import Person

    user = User.objects.filter(username="member").select_related("person").first()
    if user is None or user.person is None:
        return
    digest = pii.keyed_hash(DEMO_MOBILE)
    Person.objects.filter(mobile_hash=digest).exclude(pk=user.person.pk).update(
        mobile_enc="", mobile_hash=""
    )
    if user.person.mobile_hash != digest:
        user.person.mobile = DEMO_MOBILE
        user.person.save(update_fields=["mobile_enc", "mobile_hash"])
