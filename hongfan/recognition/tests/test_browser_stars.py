"""季度之星 in the browser: a tie at the quota's edge is shown to the admin, who picks among
the tied (phone and desktop), and the list follows the pick."""

from __future__ import annotations

from typing import Any

import pytest

from hongfan.accounts.models import User
from hongfan.core.testing.browser import DESKTOP, PASSWORD, PHONE, login, shot
from hongfan.points.tests.conftest import World
from hongfan.recognition.models import QuarterStar
from hongfan.recognition.services import stars as star_services
from hongfan.recognition.tests.test_stars import OPEN, award, create

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_admin_sees_a_tie_and_picks_among_the_tied(
    demo_city: Any, open_page: Any, world: World, size: str
) -> None:
    w = world
    plain = w.rule(1)
    for person, points in zip([w.a[0], w.a[1], w.a[2], w.b[0]], [50, 40, 40, 45], strict=True):
        award(w, person, plain, qty=points)
    sel = create(w, quota=3, **OPEN)
    star_services.star_selection_draft(access=w.admin, selection=sel)
    admin = User.objects.get(pk=w.admin.user_id)
    admin.set_password(PASSWORD)
    admin.save()

    page = open_page(PHONE if size == "phone" else DESKTOP)
    login(page, demo_city.url, admin.username)
    page.goto(f"{demo_city.url}/points/stars/{sel.pk}/")
    tie = page.locator(".hf-tie")
    assert "同分待定：全院最后1个名额" in tie.locator("h2").inner_text()
    assert page.get_by_role("button", name="发布公示").is_disabled()
    tie.scroll_into_view_if_needed()
    shot(page, f"{size}-stars-tie")
    tie.get_by_label(w.a[2].name).check()
    with page.expect_navigation():
        tie.get_by_role("button", name="确定入选").click()
    assert "已选定同分人员" in page.locator(".alert-success").inner_text()
    assert "同分已选定" in page.locator(".hf-tie h2").inner_text()
    assert page.get_by_role("button", name="发布公示").is_enabled()
    assert set(QuarterStar.objects.filter(selection=sel).values_list("person_id", flat=True)) == {
        w.a[0].pk,
        w.b[0].pk,
        w.a[2].pk,
    }
