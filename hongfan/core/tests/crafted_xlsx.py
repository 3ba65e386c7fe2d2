"""Small .xlsx files written part by part, the way an attacker would: a few hundred KB that
inflate into millions of cells or shared strings. Used by the spreadsheet reader's tests and
by the imports that call it (roster, question bank)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape

MAIN = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def _content_types(shared_strings: bool, styles: bool) -> str:
    overrides = [
        ("/xl/workbook.xml", "sheet.main+xml"),
        ("/xl/worksheets/sheet1.xml", "worksheet+xml"),
    ]
    if shared_strings:
        overrides.append(("/xl/sharedStrings.xml", "sharedStrings+xml"))
    if styles:
        overrides.append(("/xl/styles.xml", "styles+xml"))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        + "".join(
            f'<Override PartName="{name}" ContentType="{_CT}.{kind}"/>' for name, kind in overrides
        )
        + "</Types>"
    )


def _rels(targets: Sequence[tuple[str, str]]) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="{_REL}/{kind}" Target="{target}"/>'
            for i, (kind, target) in enumerate(targets, start=1)
        )
        + "</Relationships>"
    )


def _workbook(sheet: str) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook {MAIN.decode()} xmlns:r="{_REL}">'
        f'<sheets><sheet name="{escape(sheet)}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )


def _write(archive: zipfile.ZipFile, name: str, chunks: Iterable[bytes]) -> None:
    with archive.open(name, "w", force_zip64=True) as part:
        for chunk in chunks:
            part.write(chunk)


def package(
    rows: Iterable[bytes],
    *,
    shared_strings: Iterable[bytes] | None = None,
    styles: Iterable[bytes] | None = None,
    sheet: str = "名单",
    workbook: str | None = None,
) -> bytes:
    """An .xlsx of one sheet whose ``<sheetData>`` is ``rows`` (XML, in chunks), with an
    optional shared-strings part (the ``<si>`` elements) and styles part (its body)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        archive.writestr(
            "[Content_Types].xml", _content_types(shared_strings is not None, styles is not None)
        )
        archive.writestr("_rels/.rels", _rels([("officeDocument", "xl/workbook.xml")]))
        archive.writestr("xl/workbook.xml", workbook or _workbook(sheet))
        targets = [("worksheet", "worksheets/sheet1.xml")]
        if shared_strings is not None:
            targets.append(("sharedStrings", "sharedStrings.xml"))
        if styles is not None:
            targets.append(("styles", "styles.xml"))
        archive.writestr("xl/_rels/workbook.xml.rels", _rels(targets))
        _write(
            archive,
            "xl/worksheets/sheet1.xml",
            [b'<?xml version="1.0" encoding="UTF-8"?><worksheet ' + MAIN + b"><sheetData>"]
            + list(rows)
            + [b"</sheetData></worksheet>"],
        )
        if shared_strings is not None:
            _write(
                archive,
                "xl/sharedStrings.xml",
                _wrapped(b"<sst " + MAIN + b">", shared_strings, b"</sst>"),
            )
        if styles is not None:
            _write(
                archive,
                "xl/styles.xml",
                _wrapped(b"<styleSheet " + MAIN + b">", styles, b"</styleSheet>"),
            )
    return out.getvalue()


def _wrapped(head: bytes, body: Iterable[bytes], tail: bytes) -> Iterable[bytes]:
    yield b'<?xml version="1.0" encoding="UTF-8"?>' + head
    yield from body
    yield tail


def column_letter(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def row(number: int, values: Sequence[str | None], *, first_column: int = 1) -> bytes:
    """One ``<row>`` of inline strings (None leaves the cell out)."""
    cells = "".join(
        f'<c r="{column_letter(first_column + i)}{number}" t="inlineStr">'
        f"<is><t>{escape(v)}</t></is></c>"
        for i, v in enumerate(values)
        if v is not None
    )
    return f'<row r="{number}">{cells}</row>'.encode()


def repeated(unit: bytes, count: int, batch: int = 100_000) -> Iterable[bytes]:
    """``unit`` ``count`` times, in chunks (never the whole string in memory)."""
    while count > 0:
        n = min(batch, count)
        yield unit * n
        count -= n


# --- the shapes of the bombs -----------------------------------------------------------------


def shared_strings_bomb(header: Sequence[str], count: int) -> bytes:
    """``count`` tiny shared strings (the 386 KB file that held a worker for 140 s had ten
    million of them); the sheet itself is a header and one row."""
    return package(
        [row(1, header), b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>'],
        shared_strings=repeated(b"<si><t>x</t></si>", count),
    )


def blank_cells_in_one_row(header: Sequence[str], count: int) -> bytes:
    """One row of ``count`` empty ``<c/>`` elements without references."""
    return package(
        [row(1, header), b'<row r="2">', *repeated(b"<c/>", count), b"</row>"],
    )


def blank_cells_in_many_rows(header: Sequence[str], rows: int, per_row: int) -> bytes:
    """``rows`` rows of ``per_row`` formatted but empty cells each."""

    def body() -> Iterable[bytes]:
        yield row(1, header)
        cells = b'<c s="0"/>' * per_row
        for n in range(2, rows + 2):
            yield b'<row r="%d">' % n + cells + b"</row>"

    return package(body())


def far_right_cells(header: Sequence[str], rows: int) -> bytes:
    """Rows with a value in A and another in XFD, the last column Excel has."""
    return package(
        [row(1, header)]
        + [
            row(n, ["张三"])[:-6] + b'<c r="XFD%d"><v>1</v></c></row>' % n
            for n in range(2, rows + 2)
        ]
    )


def styles_bomb(header: Sequence[str], count: int) -> bytes:
    """A styles part of ``count`` cell formats (openpyxl reads styles whole)."""
    return package(
        [row(1, header), row(2, header)],
        styles=[b'<cellXfs count="%d">' % count, *repeated(b"<xf/>", count), b"</cellXfs>"],
    )
