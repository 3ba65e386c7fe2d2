"""UserFilter: the system admin's account search; bad input never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hongfan.accounts.filters import UserFilter
from hongfan.accounts.models import User


def test_the_search_matches_the_user_name_or_the_display_name(users):
    qs = User.objects.all()
    assert set(UserFilter({"q": " hosp "}, queryset=qs).qs) >= {users["hosp"], users["hosp2"]}
    assert users["city"] not in set(UserFilter({"q": "hosp"}, queryset=qs).qs)
    assert UserFilter({}, queryset=qs).qs.count() == qs.count()


@pytest.mark.parametrize("q", ["\x00", "a\x00b", "9" * 40, "%", "' OR 1=1 --", "x" * 1000])
def test_odd_searches_answer_calmly(client_for, q):
    r = client_for("sysadmin").get(reverse("system:users"), {"q": q, "page": q})
    assert r.status_code == 200
