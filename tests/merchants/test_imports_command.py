"""`manage.py import_leads FILE [--dry-run]`."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from merchants.models import Lead

from .test_imports_files import BAD, GOOD, HEADER_ZH, csv_bytes, xlsx_bytes


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_leads", *map(str, args), "--no-progress", stdout=out)
    return out.getvalue()


@pytest.fixture
def reference(cities, districts, categories):
    return cities


def test_imports_the_file_and_writes_the_rejected_rows(reference, english, tmp_path):
    file = tmp_path / "leads.csv"
    file.write_bytes(csv_bytes(GOOD + BAD, encoding="gb18030"))

    output = run(file)

    assert output.splitlines() == [
        "leads.csv (GB18030): 10 rows, 3 valid, 3 created, 0 already in the pool, 7 rejected.",
        f"Rejected rows and their reasons: {tmp_path / 'leads.csv.rejected.csv'}",
    ]
    assert Lead.objects.count() == 3
    report = (tmp_path / "leads.csv.rejected.csv").read_bytes()
    assert report.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads the file as UTF-8
    rows = list(csv.reader(io.StringIO(report.decode("utf-8-sig"))))
    assert rows[0] == ["Row", *HEADER_ZH, "Reason"]
    assert [(row[0], row[-1]) for row in rows[1:3]] == [
        ("5", "The merchant name is missing."),
        ("6", "“0591-87654321” is not a mainland China mobile number."),
    ]
    assert len(rows) == 1 + 7


def test_running_it_again_changes_nothing(reference, english, tmp_path):
    file = tmp_path / "leads.xlsx"
    file.write_bytes(xlsx_bytes(GOOD))
    run(file)
    before = list(Lead.objects.order_by("pk").values())

    output = run(file)

    assert output == "leads.xlsx (XLSX): 3 rows, 3 valid, 0 created, 3 already in the pool, 0 rejected.\n"
    assert list(Lead.objects.order_by("pk").values()) == before
    assert not (tmp_path / "leads.xlsx.rejected.csv").exists()


def test_dry_run_writes_no_lead(reference, english, tmp_path):
    file = tmp_path / "leads.csv"
    file.write_bytes(csv_bytes(GOOD, encoding="utf-8-sig"))

    output = run(file, "--dry-run")

    assert output.splitlines() == [
        "leads.csv (UTF-8 (BOM)): 3 rows, 3 valid, 3 would be created, 0 already in the pool, 0 rejected.",
        "Dry run: nothing was written.",
    ]
    assert Lead.objects.count() == 0


def test_a_file_error_exits_non_zero(reference, english, tmp_path):
    file = tmp_path / "leads.csv"
    file.write_bytes(csv_bytes(GOOD, header=["名称", "电话"]))

    with pytest.raises(CommandError, match=r"leads.csv: Columns missing: merchant name, contact mobile, city"):
        call_command("import_leads", str(file), "--no-progress")
    assert Lead.objects.count() == 0


def test_a_missing_file_exits_non_zero(db, english, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_leads", str(tmp_path / "nowhere.csv"))


def test_shows_a_progress_bar(reference, tmp_path, capsys):
    file = tmp_path / "leads.csv"
    file.write_bytes(csv_bytes(GOOD))

    call_command("import_leads", str(file), stdout=io.StringIO())

    progress = capsys.readouterr().err
    assert "3/3" in progress
