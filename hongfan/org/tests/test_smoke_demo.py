from hongfan.org.models import Branch, Hospital, Person


def test_small_demo_city_has_two_hospitals_with_members(db):
    assert Hospital.objects.count() == 2
    primary = Hospital.objects.get(name="济宁市第三人民医院")
    assert Branch.objects.filter(hospital=primary, kind="branch").count() == 6
    assert (
        Person.objects.filter(
            hospital=primary, political_status__in=["member", "probationary"]
        ).count()
        == 48
    )


def test_demo_accounts_land_on_their_home_pages(client_for):
    r = client_for("hosp").get("/")
    assert r.status_code == 200
    assert "济宁市第三人民医院" in r.content.decode()
