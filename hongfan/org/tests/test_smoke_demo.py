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


def test_the_demo_city_lists_the_third_hospital_once_with_its_other_name(client_for):
    """济宁市兖州区人民医院 is 济宁市第三人民医院 (one hospital, two names): the demo city holds
    it once, the other name as its 别名, shown on the city's list and its own page."""
    from hongfan.org.demo.city import JINING

    names = [s.name for s in JINING]
    assert "济宁市兖州区人民医院" not in names and len(set(names)) == len(names)
    [third] = [s for s in JINING if s.name == "济宁市第三人民医院"]
    assert third.alias == "济宁市兖州区人民医院"
    assert (third.branches, third.members, third.staff) == (22, 348, 1500)  # as reported
    assert not Hospital.objects.filter(name="济宁市兖州区人民医院").exists()
    primary = Hospital.objects.get(name="济宁市第三人民医院")
    assert primary.alias == "济宁市兖州区人民医院"
    listed = client_for("city").get("/org/hospitals/").content.decode()
    assert listed.count("济宁市兖州区人民医院") == 1 and "又名济宁市兖州区人民医院" in listed
    page = client_for("hosp").get(f"/org/hospitals/{primary.pk}/").content.decode()
    assert "又名济宁市兖州区人民医院" in page
