"""Roster (名册) import, step 2: checking every row.

``roster_validate`` checks every row against the rules ``person_validate`` applies to a
single person (plus the import-only ones: duplicates inside the file, unknown
departments/branches, unparseable values) and returns unsaved ``Person`` objects with
encrypted PII. Lookups (departments, branches, groups, existing ID hashes) are loaded once,
so validation does no per-row query."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from openpyxl.utils import get_column_letter

from hongfan.core import pii
from hongfan.core.dates import today
from hongfan.core.idcard import birth_date_from_id, id_number_error, mobile_error
from hongfan.core.spreadsheets import is_blank
from hongfan.org.choices import MEMBER_STATUSES, PersonStatus, PoliticalStatus
from hongfan.org.imports.roster_parsing import (
    _AS_TEXT,
    _CJK_RE,
    _ETHNICITY_MAX,
    _HEADER_LOOKUP,
    _LENGTHS,
    _WS_RE,
    BOOL_MAP,
    COLUMN_BY_KEY,
    COLUMNS,
    EDUCATION_MAP,
    EXAMPLE_MARK,
    GENDER_MAP,
    IGNORED_HEADERS,
    MAX_KEPT_ERRORS,
    POLITICAL_MAP,
    BadValue,
    RosterInvalid,
    RosterTable,
    RowError,
    _cell_text,
    _fold,
    _header_key,
    normalise_roster_id_number,
    normalise_roster_mobile,
    parse_roster_date,
)
from hongfan.org.models import Branch, Department, Hospital, PartyGroup, Person
from hongfan.org.rules import RuleNumbers, joining_age_error
from hongfan.org.selectors import structure as structure_selectors


@dataclass
class RosterValidated:
    people: list[Person]
    warnings: list[str] = field(default_factory=list)
    # rows of people already on the roster (``update_existing``): each an unsaved Person
    # carrying the existing row's pk and the file's values, and the file's mobile ("" keeps)
    updates: list[tuple[Person, str]] = field(default_factory=list)


# --- validation ----------------------------------------------------------------------------

EXISTING_MESSAGE = (
    "本院已有相同身份证号的职工（如要用本文件修改已在册人员，请勾选“按身份证号更新已在册人员”）"
)


class _Errors:
    def __init__(self) -> None:
        self.kept: list[RowError] = []
        self.total = 0

    def add(self, row: int, column: str, message: str, letter: str = "") -> None:
        self.total += 1
        if len(self.kept) < MAX_KEPT_ERRORS:
            self.kept.append(RowError(row, column, message, letter))


def _map_headers(
    table: RosterTable, errors: _Errors, ignore_unknown: bool
) -> tuple[dict[str, int], list[str]]:
    positions: dict[str, int] = {}
    warnings: list[str] = []
    unknown: list[str] = []
    for index, cell in enumerate(table.headers):
        header = _cell_text(cell)
        if not header:
            continue
        key = _header_key(header)
        letter = get_column_letter(index + 1)
        col = _HEADER_LOOKUP.get(key)
        if key in IGNORED_HEADERS:
            continue
        if col is None:
            unknown.append(header)
            if not ignore_unknown:
                errors.add(
                    table.header_row,
                    header,
                    "无法识别的列名，请改为模板中的列名，或删除此列，或勾选“忽略无法识别的列”",
                    letter,
                )
            continue
        if col.key in positions:
            errors.add(
                table.header_row,
                col.label,
                f"列名重复（与{get_column_letter(positions[col.key] + 1)}列重复）",
                letter,
            )
            continue
        positions[col.key] = index
    for col in COLUMNS:
        if col.required and col.key not in positions:
            errors.add(table.header_row, col.label, "缺少必填列")
    if unknown and ignore_unknown:
        warnings.append("已忽略无法识别的列：" + "、".join(unknown))
    return positions, warnings


@dataclass
class _Lookups:
    departments: dict[str, Department]
    branches: dict[str, Branch]
    groups: dict[tuple[int, str], list[PartyGroup]]
    group_branches: dict[str, set[int]]
    existing: dict[str, tuple[int, str, int | None, str]]  # hash -> pk, status, branch, pol.

    @property
    def existing_hashes(self) -> set[str]:
        return set(self.existing)

    @classmethod
    def load(cls, hospital: Hospital) -> _Lookups:
        departments = {_fold(d.name): d for d in Department.objects.filter(hospital=hospital)}
        branches = {_fold(b.name): b for b in Branch.objects.filter(hospital=hospital)}
        groups: dict[tuple[int, str], list[PartyGroup]] = {}
        group_branches: dict[str, set[int]] = {}
        for g in PartyGroup.objects.filter(branch__hospital=hospital).order_by("pk"):
            key = _fold(g.name)
            groups.setdefault((g.branch_id, key), []).append(g)
            group_branches.setdefault(key, set()).add(g.branch_id)
        existing: dict[str, tuple[int, str, int | None, str]] = {
            h: (pk, status, branch_id, political)
            for h, pk, status, branch_id, political in Person.objects.filter(hospital=hospital)
            .exclude(id_number_hash="")
            .values_list("id_number_hash", "pk", "status", "branch_id", "political_status")
        }
        return cls(departments, branches, groups, group_branches, existing)


@dataclass
class _Row:
    """A row that passed validation; PII stays here until encryption at the end."""

    person: Person
    id_number: str
    mobile: str
    existing: bool = False  # an update of the person already on the roster (person.pk)


class _RowValidator:
    def __init__(
        self,
        *,
        hospital: Hospital,
        positions: dict[str, int],
        lookups: _Lookups,
        day: date,
        rule: RuleNumbers,
        epoch: datetime,
        errors: _Errors,
        update_existing: bool = False,
    ):
        self.hospital_id = hospital.pk
        self.update_existing = update_existing
        self.matched: tuple[int, str, int | None, str] | None = None  # the row's existing person
        self.rule = rule
        self.positions = positions
        self.letters = {k: get_column_letter(i + 1) for k, i in positions.items()}
        self.lookups = lookups
        self.day = day
        self.epoch = epoch
        self.errors = errors
        self.seen_ids: dict[str, int] = {}  # keyed hash -> first row

    def _get(self, values: Sequence[Any], key: str) -> Any:
        index = self.positions.get(key)
        if index is None or index >= len(values):
            return None
        return values[index]

    def _date(self, row: int, key: str, raw: Any, failed: list[str]) -> date | None:
        try:
            value = parse_roster_date(raw, epoch=self.epoch)
        except BadValue as exc:
            self._err(row, key, str(exc), failed)
            return None
        if value is not None and value > self.day:
            self._err(row, key, "日期不能晚于今天", failed)
            return None
        return value

    def _err(self, row: int, key: str, message: str, failed: list[str]) -> None:
        failed.append(key)
        self.errors.add(row, COLUMN_BY_KEY[key].label, message, self.letters.get(key, ""))

    def validate(self, row: int, values: Sequence[Any]) -> _Row | None:
        """Check one row, column by column and then across columns; every problem is added
        to ``self.errors``. Returns the unsaved person, or None when anything failed."""
        failed: list[str] = []
        self.matched = None
        name = self._name(row, values, failed)
        gender = self._gender(row, values, failed)
        ethnicity = self._ethnicity(row, values, failed)
        id_number, id_hash, id_ok = self._id_number(row, values, failed)
        birth = self._birth_date(row, values, id_number, failed)
        education = self._education(row, values, failed)
        department = self._department(row, values, failed)
        post, title = self._post_and_title(row, values, failed)
        flags = self._flags(row, values, failed)
        political = self._political_status(row, values, failed)
        joined_on = self._date(row, "joined_on", self._get(values, "joined_on"), failed)
        full_on = self._date(row, "full_member_on", self._get(values, "full_member_on"), failed)
        branch_text, branch = self._branch(row, values, failed)
        group = self._party_group(row, values, branch_text, branch, failed)
        mobile = self._mobile(row, values, failed)
        self._status(row, values, failed)
        self._member_rules(
            row,
            political=political,
            branch_text=branch_text,
            birth=birth,
            joined_on=joined_on,
            full_on=full_on,
            failed=failed,
        )

        if self.matched is not None and not failed:
            self._unchanged_membership(row, political=political, branch=branch, failed=failed)
        if failed or self.errors.total or not id_ok or birth is None:
            return None
        person = Person(
            hospital_id=self.hospital_id,
            name=name,
            gender=gender,
            ethnicity=ethnicity,
            birth_date=birth,
            education=education,
            department_id=department.pk if department else None,
            post=post,
            title=title,
            is_middle_cadre=flags["is_middle_cadre"],
            is_department_head=flags["is_department_head"],
            political_status=political,
            joined_on=joined_on,
            full_member_on=full_on,
            branch_id=branch.pk if branch else None,
            party_group_id=group.pk if group else None,
            id_number_hash=id_hash,
            status=PersonStatus.ACTIVE,
        )
        if self.matched is not None:
            person.pk = self.matched[0]
            return _Row(person, id_number, mobile, existing=True)
        return _Row(person, id_number, mobile)

    def _unchanged_membership(
        self, row: int, *, political: str, branch: Branch | None, failed: list[str]
    ) -> None:
        """An update may correct a person's data, not move them: a change of branch is a
        转接 and a change of 政治面貌 a step of its own, each done on the person's page."""
        assert self.matched is not None
        _, _, branch_id, was_political = self.matched
        if political != was_political:
            self._err(
                row,
                "political_status",
                "与系统中不同：政治面貌的变更请在人员页办理（导入只修改基本信息）",
                failed,
            )
        if (branch.pk if branch else None) != branch_id:
            self._err(
                row,
                "branch",
                "与系统中不同：支部变更请通过“组织关系转接”办理（导入只修改基本信息）",
                failed,
            )

    # --- one method per column (or pair of columns), in the order the errors are listed ---

    def _name(self, row: int, values: Sequence[Any], failed: list[str]) -> str:
        """姓名"""
        err = self._err
        name = _cell_text(self._get(values, "name"))
        if _CJK_RE.search(name):
            name = _WS_RE.sub("", name)  # "张　三" aligned with a full-width space
        else:
            name = " ".join(name.split())
        if not name:
            err(row, "name", "请填写姓名", failed)
        elif len(name) > _LENGTHS["name"]:
            err(row, "name", f"姓名不能超过{_LENGTHS['name']}个字", failed)
        elif EXAMPLE_MARK in name:
            err(row, "name", "这是模板中的示例行，请删除后再导入", failed)
        return name

    def _gender(self, row: int, values: Sequence[Any], failed: list[str]) -> str:
        """性别"""
        err = self._err
        raw = _fold(_cell_text(self._get(values, "gender"))).upper()
        gender = GENDER_MAP.get(raw, "")
        if not raw:
            err(row, "gender", "请填写性别", failed)
        elif not gender:
            err(row, "gender", "性别应填写“男”或“女”", failed)
        return gender

    def _ethnicity(self, row: int, values: Sequence[Any], failed: list[str]) -> str:
        """民族"""
        ethnicity = _fold(_cell_text(self._get(values, "ethnicity"))) or "汉族"
        if not ethnicity.endswith("族") and ethnicity != "其他" and len(ethnicity) <= 4:
            ethnicity += "族"
        if len(ethnicity) > _ETHNICITY_MAX:
            self._err(row, "ethnicity", f"民族不能超过{_ETHNICITY_MAX}个字", failed)
        return ethnicity

    def _id_number(
        self, row: int, values: Sequence[Any], failed: list[str]
    ) -> tuple[str, str, bool]:
        """身份证号: returns the normalised number, its keyed hash and whether it may be saved
        (valid, and new in this file and in this hospital)."""
        err = self._err
        raw_id = self._get(values, "id_number")
        id_number = normalise_roster_id_number(raw_id)
        id_ok = False
        id_hash = ""
        if not id_number:
            err(row, "id_number", "请填写身份证号", failed)
        elif isinstance(raw_id, float) and raw_id >= 1e15:
            # Excel keeps 15 significant digits of a number: the last digits are lost.
            err(row, "id_number", "身份证号被保存成了数字，末尾几位已丢失" + _AS_TEXT, failed)
        elif msg := id_number_error(id_number):
            if isinstance(raw_id, int | float) or "E+" in id_number:
                msg += "（该单元格被当作数字保存，" + _AS_TEXT.lstrip("，") + "）"
            err(row, "id_number", msg, failed)
        else:
            id_hash = pii.keyed_hash(id_number)
            first = self.seen_ids.get(id_hash)
            if first is not None:
                err(row, "id_number", f"身份证号与第{first}行重复", failed)
            elif id_hash in self.lookups.existing:
                self.seen_ids[id_hash] = row
                found = self.lookups.existing[id_hash]
                if not self.update_existing:
                    err(row, "id_number", EXISTING_MESSAGE, failed)
                elif found[1] != PersonStatus.ACTIVE:
                    err(
                        row, "id_number", "此人已离开本院，不能通过导入修改；请在人员页办理", failed
                    )
                else:
                    self.matched = found
                    id_ok = True
            else:
                self.seen_ids[id_hash] = row
                id_ok = True
        return id_number, id_hash, id_ok

    def _birth_date(
        self, row: int, values: Sequence[Any], id_number: str, failed: list[str]
    ) -> date | None:
        """出生日期: taken from the ID number when blank, and must agree with it."""
        birth = self._date(row, "birth_date", self._get(values, "birth_date"), failed)
        if id_number and not id_number_error(id_number):
            from_id = birth_date_from_id(id_number)
            if birth is None and "birth_date" not in failed:
                birth = from_id
            elif birth is not None and birth != from_id:
                self._err(row, "birth_date", "出生日期与身份证号不一致", failed)
        return birth

    def _education(self, row: int, values: Sequence[Any], failed: list[str]) -> str:
        """学历"""
        raw = _fold(_cell_text(self._get(values, "education"))).upper()
        education = ""
        if raw:
            education = EDUCATION_MAP.get(raw, "")
            if not education:
                self._err(
                    row,
                    "education",
                    "学历应为：博士研究生、硕士研究生、大学本科、大学专科、中专及以下",
                    failed,
                )
        return education

    def _department(self, row: int, values: Sequence[Any], failed: list[str]) -> Department | None:
        """科室"""
        err = self._err
        dept_text = _cell_text(self._get(values, "department"))
        department = None
        if not dept_text:
            err(row, "department", "请填写科室", failed)
        else:
            department = self.lookups.departments.get(_fold(dept_text))
            if department is None:
                err(row, "department", f"本院没有名为“{dept_text}”的科室", failed)
            elif not department.active:
                err(row, "department", f"科室“{dept_text}”已停用", failed)
        return department

    def _post_and_title(
        self, row: int, values: Sequence[Any], failed: list[str]
    ) -> tuple[str, str]:
        """岗位/职务、职称"""
        err = self._err
        post = _cell_text(self._get(values, "post"))
        if len(post) > _LENGTHS["post"]:
            err(row, "post", f"岗位/职务不能超过{_LENGTHS['post']}个字", failed)
        title = _cell_text(self._get(values, "title"))
        if len(title) > _LENGTHS["title"]:
            err(row, "title", f"职称不能超过{_LENGTHS['title']}个字", failed)
        return post, title

    def _flags(self, row: int, values: Sequence[Any], failed: list[str]) -> dict[str, bool]:
        """是/否 columns"""
        flags: dict[str, bool] = {}
        for key in ("is_middle_cadre", "is_department_head"):
            raw = _fold(_cell_text(self._get(values, key))).upper()
            flag = BOOL_MAP.get(raw) if raw else False
            if flag is None:
                self._err(row, key, "应填写“是”或“否”", failed)
                flag = False
            flags[key] = flag
        return flags

    def _political_status(self, row: int, values: Sequence[Any], failed: list[str]) -> str:
        """政治面貌"""
        err = self._err
        raw = _fold(_cell_text(self._get(values, "political_status"))).upper()
        political = POLITICAL_MAP.get(raw, "")
        if not raw:
            err(row, "political_status", "请填写政治面貌", failed)
        elif not political:
            err(
                row,
                "political_status",
                "政治面貌应为：中共党员、中共预备党员、入党申请人/积极分子、群众、民主党派",
                failed,
            )
        return political

    def _branch(
        self, row: int, values: Sequence[Any], failed: list[str]
    ) -> tuple[str, Branch | None]:
        """所在支部: returns the text as written and the branch it names."""
        err = self._err
        branch_text = _cell_text(self._get(values, "branch"))
        branch = None
        if branch_text:
            branch = self.lookups.branches.get(_fold(branch_text))
            if branch is None:
                err(row, "branch", f"本院没有名为“{branch_text}”的党支部", failed)
            elif not branch.active:
                err(row, "branch", f"党支部“{branch_text}”已撤销或停用", failed)
        return branch_text, branch

    def _party_group(
        self,
        row: int,
        values: Sequence[Any],
        branch_text: str,
        branch: Branch | None,
        failed: list[str],
    ) -> PartyGroup | None:
        """党小组: must belong to the row's branch."""
        err = self._err
        lk = self.lookups
        group_text = _cell_text(self._get(values, "party_group"))
        group = None
        if group_text:
            gkey = _fold(group_text)
            if not branch_text:
                err(row, "party_group", "填写党小组时须同时填写所在支部", failed)
            elif branch is not None:
                found = lk.groups.get((branch.pk, gkey), [])
                if len(found) == 1:
                    group = found[0]
                elif len(found) > 1:
                    err(
                        row,
                        "party_group",
                        f"“{branch_text}”下有多个名为“{group_text}”的党小组，请先在系统中区分名称",
                        failed,
                    )
                elif gkey in lk.group_branches:
                    err(row, "party_group", f"党小组“{group_text}”不属于“{branch_text}”", failed)
                else:
                    err(
                        row,
                        "party_group",
                        f"“{branch_text}”下没有名为“{group_text}”的党小组",
                        failed,
                    )
        return group

    def _mobile(self, row: int, values: Sequence[Any], failed: list[str]) -> str:
        """手机号"""
        raw_mobile = self._get(values, "mobile")
        mobile = normalise_roster_mobile(raw_mobile) if not is_blank(raw_mobile) else ""
        if mobile and (msg := mobile_error(mobile)):
            self._err(row, "mobile", msg, failed)
        return mobile

    def _status(self, row: int, values: Sequence[Any], failed: list[str]) -> None:
        """状态: only people in post are imported."""
        status_text = _fold(_cell_text(self._get(values, "status")))
        if status_text and status_text != PersonStatus.ACTIVE.label:
            self._err(row, "status", "只能导入在职人员（状态应为“在职”或留空）", failed)

    def _member_rules(
        self,
        row: int,
        *,
        political: str,
        branch_text: str,
        birth: date | None,
        joined_on: date | None,
        full_on: date | None,
        failed: list[str],
    ) -> None:
        """Rules across columns — the same as services.people.person_validate."""
        err = self._err
        if political in MEMBER_STATUSES:
            if not branch_text and "branch" not in failed:
                err(row, "branch", "党员（含预备党员）必须填写所在支部", failed)
            if joined_on is None and "joined_on" not in failed:
                err(row, "joined_on", "党员（含预备党员）须填写入党日期", failed)
        if (
            political == PoliticalStatus.MEMBER
            and joined_on is not None
            and full_on is None
            and "full_member_on" not in failed
        ):
            err(row, "full_member_on", "正式党员须填写转正日期", failed)
        if joined_on and birth and "joined_on" not in failed:
            if joined_on < birth:
                err(row, "joined_on", "入党日期不能早于出生日期", failed)
            elif msg := joining_age_error(birth_date=birth, joined_on=joined_on, rule=self.rule):
                err(row, "joined_on", msg, failed)
        if full_on and joined_on and full_on < joined_on:
            err(row, "full_member_on", "转正日期不能早于入党日期", failed)


def roster_validate(
    *,
    hospital: Hospital,
    table: RosterTable,
    day: date | None = None,
    ignore_unknown_columns: bool = False,
    update_existing: bool = False,
) -> RosterValidated:
    """Check every row; return unsaved people with encrypted PII, or raise ``RosterInvalid``
    listing every problem (row, column, reason). Five queries, whatever the row count."""
    errors = _Errors()
    positions, warnings = _map_headers(table, errors, ignore_unknown_columns)
    if errors.total:
        raise RosterInvalid("列名有误，请对照导入模板修改表头", errors.kept, errors.total)
    if not table.rows:
        raise RosterInvalid(
            f"文件中没有数据行：第{table.header_row}行为列名，"
            f"请从第{table.header_row + 1}行起每行填写一人"
        )
    day = day or today()
    validator = _RowValidator(
        hospital=hospital,
        positions=positions,
        lookups=_Lookups.load(hospital),
        day=day,
        rule=structure_selectors.org_rule_for(hospital.authority_id, day),
        epoch=table.epoch,
        errors=errors,
        update_existing=update_existing,
    )
    good: list[_Row] = []
    for number, values in table.rows:
        checked = validator.validate(number, values)
        if checked is not None:
            good.append(checked)
    if errors.total:
        bad_rows = len({e.row for e in errors.kept})
        at_least = "至少" if errors.total > len(errors.kept) else ""
        raise RosterInvalid(
            f"共 {len(table.rows)} 行数据，{at_least}{bad_rows} 行有错误，未导入任何数据。"
            "请改正后重新上传",
            errors.kept,
            errors.total,
            rows=len(table.rows),
        )
    encrypt = pii.encrypt
    keyed_hash = pii.keyed_hash
    people = []
    updates = []
    for item in good:
        p = item.person
        if item.existing:
            updates.append((p, item.mobile))
            continue
        p.id_number_enc = encrypt(item.id_number)
        if item.mobile:
            p.mobile_enc = encrypt(item.mobile)
            p.mobile_hash = keyed_hash(item.mobile)
        people.append(p)
    return RosterValidated(people=people, warnings=warnings, updates=updates)
