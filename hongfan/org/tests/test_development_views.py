"""登记入党申请: the applicant is searched as the user types, never listed in the page; the
search offers only the people the form accepts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hongfan.core.access import access_for
from hongfan.org.choices import PersonStatus, PoliticalStatus
from hongfan.org.models import Development, Person
from hongfan.org.selectors.development import applicant_options
from hongfan.org.tests.factories import make_person, primary, second

URL = reverse("org:applicant_search")


def _applicants(user):
    return applicant_options(access=access_for(user), hospital=primary())


def test_the_applicant_is_searched_as_you_type_not_listed(client_for, users):
    page = client_for("hosp").get(reverse("org:development_new")).content.decode()
    assert f'data-search="{URL}?hospital={primary().pk}"' in page
    offered = list(_applicants(users["hosp"])[:50])
    assert len(offered) > 1
    select = page[page.index('name="person"') :]
    select = select[: select.index("</select>")]
    assert not any(f'<option value="{p.pk}"' in select for p in offered)
    assert not any(p.name in select for p in offered)


def test_the_search_finds_the_applicants_the_form_accepts(client_for, users):
    someone = make_person(primary(), political_status=PoliticalStatus.MASSES)
    found = client_for("hosp").get(URL, {"q": someone.name}).json()["results"]
    assert {"value": someone.pk, "text": str(someone)} in found
    member = Person.objects.filter(
        hospital=primary(), political_status=PoliticalStatus.MEMBER, status=PersonStatus.ACTIVE
    ).first()
    found = client_for("hosp").get(URL, {"q": member.name}).json()["results"]
    assert member.pk not in [r["value"] for r in found]
    outsider = Person.objects.filter(hospital=second()).order_by("pk").first()
    found = client_for("hosp").get(URL, {"q": outsider.name}).json()["results"]
    assert outsider.pk not in [r["value"] for r in found]
    assert client_for("hosp").get(URL, {"q": ""}).json() == {"results": []}


def test_a_secretary_finds_only_the_people_their_branch_covers(client_for, users):
    allowed = set(_applicants(users["sec"]).values_list("pk", flat=True))
    stranger = _applicants(users["hosp"]).exclude(pk__in=allowed).order_by("pk").first()
    assert stranger is not None
    found = client_for("sec").get(URL, {"q": stranger.name}).json()["results"]
    assert all(r["value"] in allowed for r in found)


@pytest.mark.parametrize("q", ["\x00", "9" * 40, "%", "' OR 1=1 --"])
def test_odd_searches_answer_calmly(client_for, q):
    r = client_for("hosp").get(URL, {"q": q})
    assert r.status_code == 200 and isinstance(r.json()["results"], list)


def test_those_who_may_not_register_cannot_search(client_for):
    for role in ("member", "city", "audit"):
        assert client_for(role).get(URL, {"q": "张"}).status_code == 403
    assert client_for("hosp2").get(URL, {"q": "张", "hospital": primary().pk}).status_code == 404
    assert client_for("anonymous").get(URL, {"q": "张"}).status_code == 302


def test_an_applicant_found_by_search_is_registered(client_for):
    someone = make_person(primary(), political_status=PoliticalStatus.MASSES)
    branch = someone.department.branches.filter(active=True).first()
    if branch is None:
        pytest.skip("the demo department has no branch")
    r = client_for("hosp").post(
        reverse("org:development_new"),
        {"person": someone.pk, "branch": branch.pk, "applied_on": "2026-01-05"},
    )
    assert r.status_code == 302, r.content.decode()[-3000:]
    assert Development.objects.get(person=someone).branch == branch
