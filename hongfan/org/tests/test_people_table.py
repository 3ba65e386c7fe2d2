"""The people list through the shared table: names by pinyin, sortable columns, cards on a
phone (data-label on every cell), bad ?sort= and page numbers ignored, exports scoped."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from hongfan.core.pinyin import sort_key
from hongfan.org.models import Person
from hongfan.org.tests.factories import primary, sec_branch

pytestmark = pytest.mark.django_db


def _names(response) -> list[str]:
    assert response.status_code == 200
    return [p.name for p in response.context["page"]]


def test_people_are_listed_by_pinyin_by_default(client_for):
    h = primary()
    names = _names(client_for("hosp").get(reverse("org:people"), {"hospital": h.pk}))
    assert names == sorted(names, key=sort_key)
    everyone = sorted(
        Person.objects.filter(hospital=h, status="active").values_list("name", flat=True),
        key=sort_key,
    )
    assert names == everyone[: len(names)]


def test_stored_pinyin_key_follows_a_renamed_person():
    person = Person.objects.filter(hospital=primary()).first()
    person.name = "欧阳测试"
    person.save()
    assert Person.objects.get(pk=person.pk).name_key == sort_key("欧阳测试")
    person.name = "阿测试"
    person.save(update_fields=["name"])
    assert Person.objects.get(pk=person.pk).name_key == sort_key("阿测试")


def test_people_sort_by_a_column_either_way(client_for):
    client = client_for("hosp")
    down = _names(client.get(reverse("org:people"), {"sort": "-name"}))
    assert down == sorted(down, key=sort_key, reverse=True)
    page = client.get(reverse("org:people"), {"sort": "birth_date"}).context["page"]
    births = [p.birth_date for p in page]
    assert births == sorted(births)


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "\x00"},
        {"sort": "id_number"},  # a column that does not sort
        {"sort": "nosuch"},
        {"sort": "x" * 5000},
        {"page": "9" * 40},
        {"page": "-3"},
        {"page": "\x00"},
        {"branch": "9" * 40, "sort": "-"},
    ],
)
def test_bad_sort_or_page_is_ignored(client_for, params):
    response = client_for("hosp").get(reverse("org:people"), params)
    assert response.status_code == 200


def test_people_rows_carry_card_labels_and_sort_links(client_for):
    html = client_for("hosp").get(reverse("org:people")).content.decode()
    assert 'class="table table-sm table-hover align-middle hf-cards"' in html
    for label in ("姓名", "性别", "出生日期", "科室", "政治面貌", "支部", "身份证号", "手机号"):
        assert f'data-label="{label}"' in html
    assert 'aria-sort="ascending"' in html and "sort=-name" in html
    assert 'name="sort" class="form-select form-select-sm" data-autosubmit' in html
    assert "导出完整名册（不脱敏）" in html


def test_the_unmasked_export_button_is_only_offered_to_the_hospital_admin(client_for):
    for role in ("city", "sec"):
        html = client_for(role).get(reverse("org:people")).content.decode()
        assert "导出完整名册" not in html, role


def test_a_secretarys_exports_hold_only_their_branch(client_for):
    """The secretary may not export the roster; the ranking and hours exports they may
    download hold their branch's members only."""
    client = client_for("sec")
    assert client.get(reverse("org:roster_export")).status_code == 403
    branch = sec_branch()
    names_in_branch = set(Person.objects.filter(branch=branch).values_list("name", flat=True))
    response = client.get(reverse("points:rankings_export"), {"period": "year"})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content))["党员排名"].iter_rows(values_only=True))
    assert rows[1:] and {r[1] for r in rows[1:]} <= names_in_branch
    assert {r[2] for r in rows[1:]} == {branch.name}
    response = client.get(reverse("study:hours_export"))
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    got = [r for r in ws.iter_rows(values_only=True) if r and r[0] in names_in_branch]
    others = [
        r
        for r in ws.iter_rows(min_row=2, values_only=True)
        if r and r[0] and r[0] not in names_in_branch and "合计" not in str(r[0])
    ]
    assert got and not others, others[:3]


OLD_ROWS = (
    '{% load tables %}{% for p in page %}<tr><td class="hf-card-title" data-label="姓名">'
    "<a href=\"{% url 'org:person' p.pk %}\">{{ p.name }}</a>{% if p.is_middle_cadre %} <span "
    "class=\"badge text-bg-light border\">中层</span>{% endif %}{% if p.status == 'left' %} "
    '<span class="badge text-bg-secondary">已离开</span>{% endif %}</td><td '
    'data-label="性别">{{ p.get_gender_display }}</td><td data-label="出生日期">'
    '{{ p.birth_date|day }}</td><td data-label="科室">{{ p.department.name|default:"—" }}'
    '</td><td class="small" data-label="岗位/职称">{{ p.post }} {{ p.title }}</td><td '
    'data-label="政治面貌">{{ p.get_political_status_display }}</td><td class="small" '
    'data-label="支部">{{ p.branch.name|default:"—" }}</td><td class="font-monospace '
    'small" data-label="身份证号">{{ p.id_number_masked }}</td><td class="font-monospace '
    'small" data-label="手机号">{{ p.mobile_masked }}</td></tr>{% endfor %}'
)


def test_people_rows_built_in_python_read_as_the_template_drew_them():
    from django.template import Context, Template

    from hongfan.org.views.people import _options_html, _rows_html

    people = list(
        Person.objects.filter(hospital=primary())
        .select_related("department", "branch")
        .order_by("pk")[:6]
    )
    people[0].name, people[0].is_middle_cadre = "<i>张&三</i>", True
    people[1].status, people[1].department, people[1].post = "left", None, "护士长 & 'x'"
    people[2].branch, people[2].is_middle_cadre, people[2].status = None, True, "left"
    old = Template(OLD_ROWS).render(Context({"page": people}))
    assert _rows_html(people) == old
    branches = [p.branch for p in people if p.branch]
    options = Template(
        "{% for b in branches %}<option value=\"{{ b.pk }}\" {% if chosen == b.pk|stringformat:'d' "
        "%}selected{% endif %}>{{ b.name }}</option>{% endfor %}"
    )
    for chosen in (None, "", str(branches[0].pk), "x"):
        drawn = options.render(Context({"branches": branches, "chosen": chosen}))
        assert _options_html(branches, chosen) == drawn


def test_the_roster_page_lists_its_people_in_a_fixed_number_of_queries(
    client_for, django_assert_max_num_queries
):
    client = client_for("sec")
    client.get(reverse("org:people"))  # warm up the session
    with django_assert_max_num_queries(15):
        response = client.get(reverse("org:people"))
    people = list(response.context["page"])
    html = response.content.decode()
    assert people and {p.branch_id for p in people if p.branch_id} <= {sec_branch().pk}
    for p in people:
        assert f'<a href="{reverse("org:person", args=[p.pk])}">' in html
        assert p.mobile_masked in html
