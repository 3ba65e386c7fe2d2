"""A formula in an uploaded .xlsx refuses the roster and the question-bank imports, both
through the shared reader (hongfan/core/tests/test_spreadsheet_formulas.py has the reader's
own cases; docs/decisions/0014-spreadsheet-formulas.md)."""

from __future__ import annotations

import pytest

from hongfan.core.tests.test_spreadsheet_formulas import HOSTILE, workbook


def test_the_roster_import_refuses_a_formula():
    from hongfan.org.imports import roster_parsing

    headers = [c.template_header for c in roster_parsing.COLUMNS]
    row = ["" for _ in headers]
    row[0] = HOSTILE[0]
    with pytest.raises(roster_parsing.RosterInvalid) as info:
        roster_parsing.roster_read(filename="名册.xlsx", data=workbook([headers, row]))
    assert str(info.value).startswith(f"第2行「{headers[0]}」列是公式")


def test_the_question_import_refuses_a_formula():
    from hongfan.study.imports import question_parsing

    data = workbook(
        [
            ["题型", "主题", "难度", "题目", "选项A", "正确答案"],
            ["单选", "党史", "易", "=1+1", "2", "A"],
        ]
    )
    with pytest.raises(question_parsing.ImportInvalid) as info:
        question_parsing.question_read(filename="题库.xlsx", data=data)
    assert str(info.value).startswith("第2行「题目」列是公式")


def test_an_upload_with_a_formula_is_refused_on_the_page_and_changes_nothing(db):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from hongfan.accounts.models import User
    from hongfan.org.imports import roster_parsing
    from hongfan.org.models import Person
    from hongfan.org.tests.factories import primary

    headers = [c.template_header for c in roster_parsing.COLUMNS]
    row = ["" for _ in headers]
    row[0] = "=cmd|' /C calc'!A0"
    client = Client()
    client.force_login(User.objects.get(username="hosp"))
    before = Person.objects.count()
    page = client.post(
        f"/org/roster/import/?hospital={primary().pk}",
        {"file": SimpleUploadedFile("名册.xlsx", workbook([headers, row]))},
    )
    assert page.status_code == 200
    assert f"第2行「{headers[0]}」列是公式" in page.content.decode()
    assert Person.objects.count() == before
