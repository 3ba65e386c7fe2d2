"""One bounded id parsing (core.forms.id_or_none) for every id a request carries: a choice
field, a FilterSet choice and a path converter all refuse what cannot be a row's id — text,
a sign, NUL bytes, non-ASCII digits, 0, a number beyond 2**63 − 1 — before any queryset sees
it, so SQLite's OverflowError never becomes a 500 (Django guards only ``pk=``-style lookups
on an integer column; ``pk__in``, foreign keys and ``__range`` reach the driver)."""

from __future__ import annotations

import django_filters
import pytest
from django import forms
from django.contrib.auth.models import Group
from django.db import connection
from django.urls import Resolver404, resolve

from hongfan.core.converters import IdConverter
from hongfan.core.forms import (
    PK_MAX,
    IdChoice,
    IdChoiceFilter,
    IdModelForm,
    IdMultipleChoice,
    id_or_none,
)

NOT_IDS = [
    "",
    "0",
    "-1",
    "+1",
    "1.0",
    "1e3",
    " 1",
    "1\x00",
    "١٢",  # Arabic-Indic digits: str.isdigit() says yes, int() reads them
    "１２",  # full-width digits
    str(PK_MAX + 1),
    str(10**30),
    str(-(10**30)),
    "0" * 30 + "1",
    "壹" * 1000,
]


@pytest.mark.parametrize("raw", NOT_IDS)
def test_what_cannot_be_an_id_is_none(raw):
    assert id_or_none(raw) is None


@pytest.mark.parametrize("raw,value", [("1", 1), ("42", 42), (str(PK_MAX), PK_MAX), (7, 7)])
def test_an_id_in_range_is_read(raw, value):
    assert id_or_none(raw) == value


class GroupForm(forms.Form):
    group = IdChoice(queryset=Group.objects.all(), required=False)
    groups = IdMultipleChoice(queryset=Group.objects.all(), required=False)


@pytest.mark.django_db
@pytest.mark.parametrize("raw", NOT_IDS[1:])
def test_a_choice_that_cannot_be_an_id_is_a_form_error_without_a_query(
    raw, django_assert_num_queries
):
    with django_assert_num_queries(0):
        form = GroupForm({"group": raw, "groups": [raw]})
        assert not form.is_valid()
    assert set(form.errors) == {"group", "groups"}


@pytest.mark.django_db
def test_a_choice_in_range_is_looked_up():
    group = Group.objects.create(name="党支部书记")
    form = GroupForm({"group": str(group.pk), "groups": [str(group.pk)]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["group"] == group
    assert list(form.cleaned_data["groups"]) == [group]
    assert not GroupForm({"group": str(PK_MAX)}).is_valid()  # in range, not there


@pytest.mark.django_db
def test_a_plain_multiple_choice_overflows_on_sqlite_which_is_why_ids_are_bounded():
    """Why the bounded fields exist: Django's own multiple choice hands the number to the
    driver (``pk__in``), and SQLite cannot bind it. PostgreSQL compares it as a numeric."""
    field = forms.ModelMultipleChoiceField(queryset=Group.objects.all())
    if connection.vendor != "sqlite":
        pytest.skip("only SQLite's driver refuses to bind a number beyond 64 bits")
    with pytest.raises(OverflowError):
        field.clean([str(10**30)])


class GroupFilter(django_filters.FilterSet):
    group = IdChoiceFilter(field_name="pk", queryset=Group.objects.all())

    class Meta:
        model = Group
        fields = ["group"]


@pytest.mark.django_db
def test_a_filter_choice_that_cannot_be_an_id_is_ignored_as_invalid():
    Group.objects.create(name="组织委员")
    f = GroupFilter({"group": str(10**30)}, queryset=Group.objects.all())
    assert not f.form.is_valid()
    assert f.qs.count() == 1  # the bad filter is dropped, the list still shows


@pytest.mark.django_db
def test_a_model_form_picks_its_relations_by_bounded_id():
    from django.contrib.auth.models import Permission

    class PermissionForm(IdModelForm):
        class Meta(IdModelForm.Meta):
            model = Permission
            fields = ["content_type"]

    field = PermissionForm.base_fields["content_type"]
    assert isinstance(field, IdChoice)
    form = PermissionForm({"content_type": str(-(10**30))})
    assert not form.is_valid() and "content_type" in form.errors


def test_the_id_converter_refuses_what_cannot_be_an_id():
    converter = IdConverter()
    assert converter.to_python("12") == 12
    assert converter.to_python(str(PK_MAX)) == PK_MAX
    for raw in ("0", str(PK_MAX + 1), "0" * 30 + "1"):
        with pytest.raises(ValueError):
            converter.to_python(raw)


@pytest.mark.parametrize("path", ["/org/people/" + "9" * 30 + "/", "/orglife/" + "0" * 25 + "7/"])
def test_a_path_id_beyond_range_does_not_resolve(path):
    with pytest.raises(Resolver404):
        resolve(path)
