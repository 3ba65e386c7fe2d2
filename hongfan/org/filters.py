"""One FilterSet per list: the people page (人员名册) and its .xlsx export share PersonFilter."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from hongfan.core.forms import TextFilter, id_or_none
from hongfan.core.tables import Column
from hongfan.org.choices import PersonStatus, PoliticalStatus
from hongfan.org.models import Person
from hongfan.org.selectors.people import IS_MEMBER, people_matching
from hongfan.org.services.roster import RosterFilters

Q_MAX = 50

# The people page's columns: what sorts (names by pinyin: core.pinyin) and its card labels.
PERSON_COLUMNS = (
    Column("name", "姓名", order=("name_key",)),
    Column("gender", "性别", value=lambda p: p.get_gender_display()),
    Column("birth_date", "出生日期"),
    Column("department", "科室", order=("department__name",), value=lambda p: p.department),
    Column("post", "岗位/职称", order=("post", "title")),
    Column("political_status", "政治面貌", value=lambda p: p.get_political_status_display()),
    Column("branch", "支部", order=("branch__name",), value=lambda p: p.branch),
    Column("id_number", "身份证号", sortable=False),
    Column("mobile", "手机号", sortable=False),
)


class PersonFilter(django_filters.FilterSet):
    """The people page's filters. A value that is not valid (text for a branch, an unknown
    status) is ignored, as the page always did; without ``status`` only those in post show."""

    q = TextFilter(label="姓名 / 完整身份证号 / 手机号")
    branch = TextFilter(label="支部")
    department = TextFilter(label="科室")
    political_status = TextFilter(label="政治面貌")
    status = TextFilter(label="状态")

    class Meta:
        model = Person
        fields = ["q", "branch", "department", "political_status", "status"]

    def roster_filters(self) -> RosterFilters:
        """The filters as the roster export takes them."""
        data = self.form.cleaned_data if self.form.is_valid() else {}
        status = data.get("status") or PersonStatus.ACTIVE
        if status not in PersonStatus.values and status != "all":
            status = PersonStatus.ACTIVE
        pol = data.get("political_status") or None
        if pol and pol not in PoliticalStatus.values and pol != "members":
            pol = None
        return RosterFilters(
            branch_id=id_or_none(data.get("branch") or ""),
            department_id=id_or_none(data.get("department") or ""),
            political_status=pol,
            status=None if status == "all" else status,
            q=(data.get("q") or "")[:Q_MAX],
        )

    def filter_queryset(self, queryset: QuerySet[Person]) -> QuerySet[Person]:
        f = self.roster_filters()
        if f.branch_id:
            queryset = queryset.filter(branch_id=f.branch_id)
        if f.department_id:
            queryset = queryset.filter(department_id=f.department_id)
        if f.political_status == "members":
            queryset = queryset.filter(IS_MEMBER)
        elif f.political_status:
            queryset = queryset.filter(political_status=f.political_status)
        if f.status:
            queryset = queryset.filter(status=f.status)
        return people_matching(queryset, f.q)
