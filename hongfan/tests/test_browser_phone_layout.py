"""On a phone (390×844): the points ledger's dates and buttons keep to one line, the
working-day calendar opens at this month, and the bar charts' labels neither overlap nor
run out of their box. Screenshots land in test-artifacts/screenshots/ (phone and desktop)."""

from __future__ import annotations

import math
from typing import Any

import pytest
from django.db import transaction

from hongfan.core.dates import today
from hongfan.core.testing.browser import DESKTOP, PHONE, login, shot
from hongfan.org.models import Hospital
from hongfan.org.tests.factories import make_branch, primary

pytestmark = pytest.mark.browser

# Elements whose text is laid out on more than one line.
WRAPPED = """(selector) => Array.from(document.querySelectorAll(selector))
  .filter(el => el.offsetParent !== null && el.textContent.trim())
  .filter(el => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const tops = new Set(Array.from(range.getClientRects()).filter(r => r.width > 0)
      .map(r => Math.round(r.top)));
    return tops.size > 1;
  })
  .map(el => el.textContent.trim())"""

# The chart's visible text labels, as axis-aligned boxes in the chart's own pixels.
CHART_LABELS = """(id) => {
  const chart = echarts.getInstanceByDom(document.getElementById(id));
  const names = new Set(chart.getOption().xAxis[0].data);
  const labels = chart.getZr().storage.getDisplayList()
    .filter(e => !e.ignore && !e.invisible && e.style && typeof e.style.text === "string")
    .filter(e => names.has(e.style.text) || /…$/.test(e.style.text))
    .map(e => {
      const own = e.getBoundingRect();
      const r = own.clone();
      r.applyTransform(e.getComputedTransform());
      const rotation = e.rotation || (e.parent && e.parent.rotation) || 0;
      return {text: e.style.text, x: r.x, y: r.y, w: r.width, h: r.height, rotation,
              height: own.height};
    });
  return {categories: names.size, labels};
}"""


def test_the_points_ledger_keeps_dates_and_buttons_on_one_line_on_a_phone(
    demo_city: Any, open_page: Any
) -> None:
    page = open_page(PHONE)
    login(page, demo_city.url, "member")
    page.goto(f"{demo_city.url}/points/me/")
    assert page.locator("tbody tr").count() > 3
    shot(page, "phone-points-ledger")
    wrapped = page.evaluate(WRAPPED, "main .btn, main tbody td:first-child")
    assert wrapped == [], wrapped


def test_the_working_day_calendar_opens_at_this_month_on_a_phone(
    demo_city: Any, open_page: Any
) -> None:
    day = today()
    page = open_page(PHONE)
    login(page, demo_city.url, "city")
    page.goto(f"{demo_city.url}/workdays/")
    month = page.locator("#this-month")
    assert f"{day.month}月" in month.locator("h2").inner_text()
    box = month.bounding_box()
    assert box is not None and 0 <= box["y"] < PHONE["viewport"]["height"] / 2, box
    shot(page, "phone-workdays-this-month")
    # Another year's page opens at its top.
    page.goto(f"{demo_city.url}/workdays/{day.year - 1}/")
    assert page.locator("#this-month").count() == 0
    assert page.evaluate("window.scrollY") == 0


def _labels_fit(page: Any, chart_id: str, at_least: int) -> None:
    page.wait_for_function(
        "(id) => window.echarts && echarts.getInstanceByDom(document.getElementById(id))",
        arg=chart_id,
    )
    page.wait_for_timeout(300)
    found = page.evaluate(CHART_LABELS, chart_id)
    labels = found["labels"]
    box = page.locator(f"#{chart_id}").bounding_box()
    assert box and found["categories"] >= at_least
    assert len(labels) == found["categories"], labels  # every category is labelled
    for label in labels:  # inside the chart: none cut off at an edge
        assert label["x"] >= -1 and label["x"] + label["w"] <= box["width"] + 1, label
        assert label["y"] + label["h"] <= box["height"] + 1, label
    # Neighbours do not overlap. Level labels: each ends before the next begins. Turned
    # labels (parallel, each ending at its tick): their distance across the text,
    # the gap between ticks × sin(angle), is at least a line of text.
    ordered = sorted(labels, key=lambda b: b["x"] + b["w"])
    for left, right in zip(ordered, ordered[1:], strict=False):
        if left["rotation"] == 0:
            assert left["x"] + left["w"] <= right["x"] + 1, (left, right)
        else:
            gap = (right["x"] + right["w"]) - (left["x"] + left["w"])
            assert gap * abs(math.sin(left["rotation"])) >= left["height"] - 0.5, (left, right)


# A city and a hospital of the real sizes: 济宁市第三人民医院 has 22 branches, the demo city
# 7 hospitals (the small demo: 6 branches, 2 hospitals).
MORE_HOSPITALS = [
    "金乡县人民医院",
    "济宁市公共卫生医疗中心",
    "济宁市第一人民医院",
    "曲阜市人民医院",
    "微山县人民医院",
]


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_bar_charts_labels_fit_and_do_not_overlap(
    demo_city: Any, open_page: Any, size: str
) -> None:
    hospital = primary()
    with transaction.atomic():
        for name in MORE_HOSPITALS:
            Hospital.objects.get_or_create(name=name, defaults={"authority": hospital.authority})
        while hospital.branches.filter(kind="branch").count() < 22:
            make_branch(hospital, full=3)
    page = open_page(PHONE if size == "phone" else DESKTOP)
    login(page, demo_city.url, "city")
    page.goto(f"{demo_city.url}/org/hospitals/")
    _labels_fit(page, "chart-hosp", 7)
    shot(page, f"{size}-chart-hospitals")
    page.goto(f"{demo_city.url}/org/hospitals/{hospital.pk}/")
    _labels_fit(page, "chart-branches", 22)
    shot(page, f"{size}-chart-branches")


def test_a_table_wider_than_a_phone_takes_the_keyboard_focus_and_has_a_name(
    demo_city: Any, open_page: Any
) -> None:
    page = open_page(PHONE)
    login(page, demo_city.url, "hosp")
    page.goto(f"{demo_city.url}/orglife/matrix/")
    scrolling = page.evaluate(
        """() => Array.from(document.querySelectorAll(".table-responsive"))
          .filter(b => b.scrollWidth > b.clientWidth + 1)
          .map(b => [b.getAttribute("tabindex"), b.getAttribute("role"),
                     b.getAttribute("aria-label")])"""
    )
    assert scrolling, "the matrix is wider than a phone"
    for tabindex, role, label in scrolling:
        assert tabindex == "0" and role == "region" and label and "滚动" in label
