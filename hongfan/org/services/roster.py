"""Roster (名册) writes: the import service, the import template and the export.

Import is all-or-nothing: ``roster_import`` reads the file (``imports.roster_parsing``),
checks every row (``imports.roster_validation``) and writes the people in one transaction
with one audit row.

Export (``roster_export``) writes the filtered people list to .xlsx, masked unless a hospital
admin asks for full values (audited as a reveal), escaping spreadsheet formulas."""

from __future__ import annotations

import json
import os
import random
import re
import secrets
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from hongfan.core import pii
from hongfan.core.access import Access
from hongfan.core.audit import AuditAction, audit_log, data_created_many
from hongfan.core.dates import today
from hongfan.core.exports import audit_filename, escape_cell
from hongfan.core.idcard import make_id_number
from hongfan.core.locks import lock_rows
from hongfan.core.spreadsheet_templates import HEAD_FILL, HEAD_FONT, Template
from hongfan.core.spreadsheets import HELP_SHEET, OPTIONS_SHEET, annotate_errors
from hongfan.org.choices import Education, Gender, PersonStatus, PoliticalStatus
from hongfan.org.imports.roster_parsing import (
    COLUMNS,
    DATA_SHEET,
    STATUS_COLUMN,
    RosterInvalid,
    roster_read,
)
from hongfan.org.imports.roster_validation import roster_validate
from hongfan.org.models import Branch, Department, Hospital, PartyGroup, Person
from hongfan.org.selectors import people as people_selectors

BATCH_SIZE = 2000


@dataclass(frozen=True)
class RosterImportResult:
    count: int  # people added
    warnings: tuple[str, ...] = ()
    updated: int = 0  # people already on the roster whose data the file changed
    unchanged: int = 0  # ... and whose data it left as it was


# What an import may change of a person already on the roster (``update_existing``): their
# data, not their branch or political status (a 转接 or a development step of its own).
UPDATE_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "education",
    "department_id",
    "post",
    "title",
    "is_middle_cadre",
    "is_department_head",
    "joined_on",
    "full_member_on",
    "party_group_id",
)


def _roster_update(rows: list[tuple[Person, str]]) -> tuple[int, int]:
    """Write the file's values onto the people already on the roster, each with ``save``
    (so the data-change log records what changed, field by field); rows locked in pk
    order. Returns (changed, unchanged)."""
    if not rows:
        return 0, 0
    current = {p.pk: p for p in lock_rows(Person.objects.filter(pk__in=[r.pk for r, _ in rows]))}
    changed = 0
    for row, mobile in rows:
        person = current[row.pk]
        fields = [f for f in UPDATE_FIELDS if getattr(person, f) != getattr(row, f)]
        for f in fields:
            setattr(person, f, getattr(row, f))
        if mobile and pii.keyed_hash(mobile) != person.mobile_hash:
            person.mobile = mobile
            fields += ["mobile_enc", "mobile_hash"]
        if fields:  # every value was checked by roster_validate, row by row
            person.save(update_fields=[*fields, "updated_at"])
            changed += 1
    return changed, len(rows) - changed


def roster_import(
    *,
    access: Access,
    hospital: Hospital,
    filename: str,
    data: bytes,
    ignore_unknown_columns: bool = False,
    update_existing: bool = False,
    request: HttpRequest | None = None,
) -> RosterImportResult:
    """Import a whole roster file into ``hospital``: every row or none. With
    ``update_existing``, a row whose 身份证号 is already on the roster corrects that
    person's data (``UPDATE_FIELDS``; a different branch or political status is an error),
    as when the full export is edited and imported again.

    Raises ``PermissionDenied`` unless ``access`` administers the hospital, and
    ``RosterInvalid`` (message + row errors) when anything in the file is wrong."""
    if not access.administers_hospital(hospital.pk):
        raise PermissionDenied("只有本院党委管理员可以导入名册")
    safe_name = audit_filename(filename)

    def audit(**detail: Any) -> None:
        audit_log(
            action=AuditAction.IMPORT,
            request=request,
            hospital_id=hospital.pk,
            kind="roster",
            file=safe_name,
            **detail,
        )

    try:
        table = roster_read(filename=filename, data=data)
        validated = roster_validate(
            hospital=hospital,
            table=table,
            ignore_unknown_columns=ignore_unknown_columns,
            update_existing=update_existing,
        )
    except RosterInvalid as exc:
        audit(success=False, errors=exc.total)
        raise
    people = validated.people
    try:
        with transaction.atomic():
            Person.objects.bulk_create(people, batch_size=BATCH_SIZE)
            # bulk_create sends no signals: the data-change log is written here
            data_created_many(people, request=request)
            updated, unchanged = _roster_update(validated.updates)
            audit(rows=len(people), updated=updated)
    except IntegrityError as exc:
        audit(success=False, errors=1)
        raise RosterInvalid(
            "保存时发现与已有数据冲突（可能有人同时录入了相同身份证号的人员），"
            "未导入任何数据，请重新上传"
        ) from exc
    return RosterImportResult(
        count=len(people),
        warnings=tuple(validated.warnings),
        updated=updated,
        unchanged=unchanged,
    )


# --- a failed import, marked ---------------------------------------------------------------

FAILURE_KEEP_SECONDS = 3600  # a failed upload is kept this long for its marked download


def _failure_dir() -> Path:
    path = Path(settings.IMPORT_FAILURE_DIR)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _failure_sweep(directory: Path) -> None:
    """Delete kept uploads older than ``FAILURE_KEEP_SECONDS``."""
    limit = time.time() - FAILURE_KEEP_SECONDS
    for path in directory.glob("*"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except OSError:
            pass


@dataclass(frozen=True)
class RosterFailure:
    """A kept failed upload: where its bytes are, for whom, and its errors."""

    token: str
    hospital_id: int
    user_id: int | None


def roster_failure_keep(
    *, access: Access, hospital: Hospital, filename: str, data: bytes, failure: RosterInvalid
) -> str | None:
    """Keep a failed upload (readable, with row errors) for an hour so that its uploader
    can download it with the bad cells marked (``roster_failure_marked``); returns the
    token naming it, or None when there is nothing to mark. The file stays outside the
    media folder, readable by the server only."""
    if not access.administers_hospital(hospital.pk) or not failure.errors:
        return None
    directory = _failure_dir()
    _failure_sweep(directory)
    token = secrets.token_urlsafe(24)
    meta = {
        "hospital_id": hospital.pk,
        "user_id": access.user_id,
        "filename": filename[:200],
        "errors": [(e.row, e.letter, e.message) for e in failure.errors],
    }
    for suffix, content in ((".bin", data), (".json", json.dumps(meta).encode())):
        path = directory / f"{token}{suffix}"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(content)
    return token


def roster_failure_marked(
    *, access: Access, hospital: Hospital, token: str, request: HttpRequest | None = None
) -> tuple[bytes, str]:
    """The kept upload ``token`` as .xlsx with each bad cell filled and commented with its
    message (``core.spreadsheets.annotate_errors``), and its file name. Only for the admin
    who uploaded it, within the hour; audited as an export of the hospital's data.
    Raises ``PermissionDenied`` otherwise (a missing or expired file: ValidationError)."""
    if not access.administers_hospital(hospital.pk):
        raise PermissionDenied("只有本院党委管理员可以下载")
    if not re.fullmatch(r"[A-Za-z0-9_-]{20,64}", token or ""):
        raise ValidationError("文件已过期，请重新上传")
    directory = _failure_dir()
    try:
        meta = json.loads((directory / f"{token}.json").read_bytes())
        data = (directory / f"{token}.bin").read_bytes()
    except (OSError, ValueError) as exc:
        raise ValidationError("文件已过期（保留1小时），请重新上传") from exc
    if meta["hospital_id"] != hospital.pk or meta["user_id"] != access.user_id:
        raise PermissionDenied("只能下载本人上传的文件")
    filename = meta["filename"]
    table = roster_read(filename=filename, data=data)
    marked = annotate_errors(table, data, [tuple(e) for e in meta["errors"]])
    stem = re.sub(r'[\\/:*?"<>|\s]+', "", filename.rsplit(".", 1)[0])[:60] or "名册"
    name = f"{stem}_错误标注.xlsx"
    audit_log(
        action=AuditAction.EXPORT,
        request=request,
        hospital_id=hospital.pk,
        kind="roster_errors",
        count=len(meta["errors"]),
        file=audit_filename(name),
    )
    return marked, name


# --- template ------------------------------------------------------------------------------

_WIDTHS = {
    "name": 10,
    "department": 14,
    "post": 14,
    "political_status": 16,
    "branch": 18,
    "party_group": 12,
    "id_number": 22,
    "mobile": 14,
    "education": 12,
}


def _example_row(hospital: Hospital) -> dict[str, Any]:
    rng = random.Random(20240701)
    birth = date(1990, 5, 12)
    department = (
        Department.objects.filter(hospital=hospital, active=True).order_by("kind", "name").first()
    )
    branch = Branch.objects.filter(hospital=hospital, active=True).order_by("pk").first()
    group = PartyGroup.objects.filter(branch=branch).order_by("pk").first() if branch else None
    return {
        "name": "张三（示例）",
        "gender": "女",
        "ethnicity": "汉族",
        "birth_date": "1990-05-12",
        "education": "大学本科",
        "department": department.name if department else "心血管内科",
        "post": "护士长",
        "title": "主管护师",
        "is_middle_cadre": "是",
        "is_department_head": "否",
        "political_status": "中共党员",
        "joined_on": "2012-06-20",
        "full_member_on": "2013-06-20",
        "branch": branch.name if branch else "第一党支部",
        "party_group": group.name if group else "",
        "id_number": make_id_number(hospital.region_code or "370800", birth, "F", rng),
        "mobile": "13800138000",
    }


def roster_template(*, hospital: Hospital) -> bytes:
    """The import template: a header-only 名册 sheet (importing it unchanged is a "no data
    rows" message), 填写说明 with every column and a valid example row, and 可选值 with this
    hospital's departments, branches and groups."""
    t = Template(
        data_sheet=DATA_SHEET,
        options_sheet=OPTIONS_SHEET,
        help_sheet=HELP_SHEET,
        columns=COLUMNS,
        widths=_WIDTHS,
        default_width=11,
        text_keys=("id_number", "mobile"),
    )
    departments = list(
        Department.objects.filter(hospital=hospital, active=True)
        .order_by("kind", "name")
        .values_list("name", flat=True)
    )
    branches = list(Branch.objects.filter(hospital=hospital, active=True).order_by("pk"))
    groups = list(
        PartyGroup.objects.filter(branch__in=branches)
        .select_related("branch")
        .order_by("branch_id", "pk")
    )
    t.options(
        [
            ("科室", departments),
            ("所在支部", [b.name for b in branches]),
            ("党小组（所属支部）", [f"{g.name}（{g.branch.name}）" for g in groups]),
            ("政治面貌", [label for _, label in PoliticalStatus.choices]),
            ("学历", [label for _, label in Education.choices]),
            ("性别", [label for _, label in Gender.choices]),
            ("是/否", ["是", "否"]),
        ],
        width=24,
    )
    for key, source_col, count in (
        ("department", 1, len(departments)),
        ("branch", 2, len(branches)),
        ("political_status", 4, len(PoliticalStatus.choices)),
        ("education", 5, len(Education.choices)),
        ("gender", 6, 2),
        ("is_middle_cadre", 7, 2),
        ("is_department_head", 7, 2),
    ):
        t.dropdown(key, source_col=source_col, count=count, rows=5000)

    lines = [
        f"{hospital.name} 人员名册导入说明",
        "1. 在“名册”工作表中填写，第1行为列名，请勿修改；从第2行起每行填写一人。列的顺序可以调整。",
        "2. 带 * 的列必须填写。科室、所在支部须与系统中本院的名称一致，可在“可选值”工作表中查看。",
        "3. 日期可写 2024-03-05、2024/3/5、2024.3.5、2024年3月5日 或 20240305，也可用 Excel 日期格式。",
        "4. 身份证号、手机号请使用文本格式，避免 Excel 把身份证号变成科学计数法。",
        "5. 导入前会检查所有行：只要有一处错误，就不会导入任何数据，页面会列出出错的行、列和原因。",
        "6. 同一医院的身份证号不能重复（包括已离开的人员）。身份证号、手机号加密保存，页面上脱敏显示。",
        "7. 也可以另存为 CSV（UTF-8 或 GB18030/GBK 编码）后导入。",
    ]
    help_ws = t.help(
        lines,
        first_width=18,
        example_title="示例（仅供参考，请勿复制到“名册”工作表；身份证号为随机生成的测试号码）",
    )
    example = _example_row(hospital)
    start = help_ws.max_row + 1
    for offset, col in enumerate(COLUMNS):
        help_ws.cell(row=start + offset, column=1, value=col.label)
        help_ws.cell(row=start + offset, column=3, value=example[col.key])
    return t.save()


# --- export --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterFilters:
    """The people page's filters, as ``org.filters.PersonFilter`` reads them."""

    branch_id: int | None = None
    department_id: int | None = None
    political_status: str | None = None
    status: str | None = PersonStatus.ACTIVE  # None = all
    q: str = ""

    def audit_detail(self) -> dict[str, Any]:
        """For the audit trail: the search text is masked when it could be an ID or mobile."""
        q = self.q.strip()
        if re.search(r"\d{6,}", q):
            q = pii.mask_id_number(q) if len(q) > 11 else pii.mask_mobile(q)
        return {
            "branch": self.branch_id,
            "department": self.department_id,
            "political_status": self.political_status,
            "status": self.status or "all",
            "q": q,
        }


@dataclass
class RosterExport:
    file: IO[bytes]  # positioned at 0; the caller streams and closes it
    filename: str
    count: int
    full: bool


EXPORT_HEADERS = [c.label for c in COLUMNS] + [STATUS_COLUMN.label]
_EXPORT_DATE_KEYS = ("birth_date", "joined_on", "full_member_on")


def _export_cells(p: Person, full: bool) -> list[Any]:
    def text(value: str) -> str:
        return escape_cell(value or "")

    return [
        text(p.name),
        p.get_gender_display(),
        text(p.ethnicity),
        p.birth_date,
        p.get_education_display() if p.education else "",
        text(p.department.name) if p.department else "",
        text(p.post),
        text(p.title),
        "是" if p.is_middle_cadre else "否",
        "是" if p.is_department_head else "否",
        p.get_political_status_display(),
        p.joined_on,
        p.full_member_on,
        text(p.branch.name) if p.branch else "",
        text(p.party_group.name) if p.party_group else "",
        p.id_number if full else p.id_number_masked,
        p.mobile if full else p.mobile_masked,
        p.get_status_display(),
    ]


def _write_export(out: IO[bytes], people: Iterable[Person], *, full: bool) -> int:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(DATA_SHEET)
    widths = [_WIDTHS.get(c.key, 11) for c in COLUMNS] + [8]
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    header = []
    for label in EXPORT_HEADERS:
        cell = WriteOnlyCell(ws, value=label)
        cell.font = HEAD_FONT
        cell.fill = HEAD_FILL
        header.append(cell)
    ws.append(header)
    date_positions = [i for i, c in enumerate(COLUMNS) if c.key in _EXPORT_DATE_KEYS]
    count = 0
    for p in people:
        row = _export_cells(p, full)
        for i in date_positions:
            if row[i] is not None:
                cell = WriteOnlyCell(ws, value=row[i])
                cell.number_format = "yyyy-mm-dd"
                row[i] = cell
        ws.append(row)
        count += 1
    wb.save(out)
    return count


def roster_export(
    *,
    access: Access,
    hospital: Hospital,
    filters: RosterFilters | None = None,
    full: bool = False,
    reason: str = "",
    order: Sequence[Any] = ("name_key", "pk"),
    request: HttpRequest | None = None,
) -> RosterExport:
    """The people list of ``hospital`` (same filters as the people page) as .xlsx.

    Hospital admins and the city admin may export; 身份证号/手机号 are masked unless
    ``full`` — allowed only for an admin of this hospital, with a ``reason``, and audited
    as a reveal with that reason. Every export writes an EXPORT audit row (count, masked or
    not, filters, order; never PII). ``order``: the people page's sort (``core.tables``)."""
    filters = filters or RosterFilters()
    if not access.reads_hospital(hospital.pk):
        raise PermissionDenied("只有医院党委管理员可以导出名册")
    if full and not access.administers_hospital(hospital.pk):
        audit_log(
            action=AuditAction.REVEAL,
            request=request,
            hospital_id=hospital.pk,
            success=False,
            scope="roster_export",
        )
        raise PermissionDenied("只有本院党委管理员可以导出完整的身份证号和手机号")
    if full and not reason.strip():
        raise ValidationError({"reason": "请填写导出用途（将记入审计日志）"})
    qs = (
        people_selectors.person_list(
            access,
            hospital=hospital,
            branch_id=filters.branch_id,
            department_id=filters.department_id,
            political_status=filters.political_status,
            status=filters.status,
            q=filters.q,
        )
        .select_related("party_group")
        .order_by(*order)
    )
    out = tempfile.TemporaryFile()  # handed to the streaming response, which closes it
    try:
        count = _write_export(out, qs.iterator(chunk_size=BATCH_SIZE), full=full)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    name = re.sub(r'[\\/:*?"<>|\s]+', "", hospital.short_name or hospital.name) or "医院"
    filename = f"人员名册_{name}_{today():%Y%m%d}{'_完整' if full else ''}.xlsx"
    audit_log(
        action=AuditAction.EXPORT,
        request=request,
        hospital_id=hospital.pk,
        kind="roster",
        count=count,
        masked=not full,
        filters=filters.audit_detail(),
        file=filename,
    )
    if full:
        audit_log(
            action=AuditAction.REVEAL,
            request=request,
            hospital_id=hospital.pk,
            scope="roster_export",
            fields=["id_number", "mobile"],
            count=count,
            reason=reason.strip()[:200],
        )
    return RosterExport(file=out, filename=filename, count=count, full=full)
