"""Reading and importing lead files (`merchants.services.imports`): encodings, headers, row checks, the
natural key, one transaction per file, a constant number of queries. The files are built here."""

import csv
import io
import zipfile

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from merchants.choices import ImportStatus, LeadImportAuditAction, LeadSource
from merchants.models import Lead, LeadImport
from merchants.services import imports
from merchants.services.imports import LeadFileError, lead_file_check, lead_import_run, leads_import_file

HEADER_ZH = ["商家名称", "联系人", "手机号", "城市", "区县", "地址", "品类", "门店数"]
HEADER_EN = ["merchant name", "contact name", "mobile", "city", "district", "address", "sub-category", "stores"]
GOOD = [
    ["老张火锅", "张三", "138 1234 5678", "福州", "鼓楼区", "五四路88号", "火锅", "2"],
    ["小李烧烤", "李四", "+8613912345678", "福州市", "台江", "工业路1号", "bbq", ""],
    ["美甲工作室", "", "13712345678", "北京市", "", "朝阳路5号", "Nails & Lashes", "1"],
]
BAD = [
    ["", "王五", "13812340000", "福州", "", "八一七路1号", "火锅", "1"],
    ["座机商家", "", "0591-87654321", "福州", "", "东街口2号", "火锅", "1"],
    ["外地商家", "", "13812341111", "上海", "", "南京路1号", "火锅", "1"],
    ["错区商家", "", "13812342222", "福州", "朝阳区", "某路1号", "火锅", "1"],
    ["无品类", "", "13812343333", "福州", "", "某路2号", "美食", "1"],
    ["门店错", "", "13812344444", "福州", "", "某路3号", "火锅", "0"],
    ["老张火锅二店", "", "13812345678", "福州", "", "五四路 88 号", "火锅", "1"],
]
# Row numbers as Excel shows them: the header is row 1, GOOD are rows 2–4, BAD rows 5–11.
REASONS = [
    (5, "The merchant name is missing."),
    (6, "“0591-87654321” is not a mainland China mobile number."),
    (7, "“上海” is not a service city."),
    (8, "“朝阳区” is not a district of 福州市."),
    (9, "“美食” is not a sub-category."),
    (10, "The number of stores “0” is not a whole number from 1 to 100,000."),
    (11, "Same mobile and address as row 2."),
]
EXPECTED_LEADS = [
    ("老张火锅", "张三", "+8613812345678", "福州市", "鼓楼区", "五四路88号", "五四路88号", "hotpot", 2),
    ("小李烧烤", "李四", "+8613912345678", "福州市", "台江区", "工业路1号", "工业路1号", "bbq", 1),
    ("美甲工作室", "", "+8613712345678", "北京市", None, "朝阳路5号", "朝阳路5号", "nails", 1),
]


def csv_bytes(rows, *, header=HEADER_ZH, encoding="utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows, *, header=HEADER_ZH) -> bytes:
    """A workbook as Excel keeps it: mobiles and store counts typed as numbers become numbers."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append([int(cell) if cell.isdigit() else (cell or None) for cell in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


FILES = {
    "UTF-8": lambda rows: csv_bytes(rows),
    "UTF-8 (BOM)": lambda rows: csv_bytes(rows, encoding="utf-8-sig"),
    "GB18030": lambda rows: csv_bytes(rows, encoding="gb18030"),
    "XLSX": lambda rows: xlsx_bytes(rows),
}


def leads():
    """The pool's leads as tuples (the mobile as its E.164 text)."""
    found = Lead.objects.order_by("pk").values_list(
        "merchant_name",
        "contact_name",
        "mobile",
        "city__name",
        "district__name",
        "address",
        "address_key",
        "category__slug",
        "store_count",
    )
    return [(name, contact, str(mobile), *rest) for name, contact, mobile, *rest in found]


@pytest.fixture
def reference(cities, districts, categories):
    return cities


@pytest.mark.parametrize("encoding", list(FILES))
def test_good_rows_are_imported_and_bad_rows_reported_with_their_reasons(reference, english, encoding):
    outcome = leads_import_file(FILES[encoding](GOOD + BAD))

    assert outcome.encoding == encoding
    assert (outcome.total, outcome.valid, outcome.created, outcome.unchanged) == (10, 3, 3, 0)
    assert [(r.row, r.reason) for r in outcome.rejections] == REASONS
    assert leads() == EXPECTED_LEADS
    assert set(Lead.objects.values_list("source", "imported_in")) == {(LeadSource.IMPORT, None)}


def test_gb18030_is_what_the_chinese_excel_saves_and_not_utf8(reference):
    content = csv_bytes(GOOD, encoding="gb18030")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")
    assert leads_import_file(content).created == 3


def test_rejected_report_keeps_the_row_as_it_was_with_the_reason(reference, english):
    report = leads_import_file(csv_bytes(GOOD + BAD[:2])).report

    assert list(csv.reader(io.StringIO(report))) == [
        ["Row", *HEADER_ZH, "Reason"],
        ["5", "", "王五", "13812340000", "福州", "", "八一七路1号", "火锅", "1", "The merchant name is missing."],
        [
            "6",
            "座机商家",
            "",
            "0591-87654321",
            "福州",
            "",
            "东街口2号",
            "火锅",
            "1",
            "“0591-87654321” is not a mainland China mobile number.",
        ],
    ]


def test_every_problem_of_a_row_is_named(reference, english):
    outcome = leads_import_file(csv_bytes([["", "", "", "", "", "", "", "两家"]]))

    assert outcome.rejections[0].reason == (
        "The merchant name is missing. The mobile number is missing. The city is missing. The address is missing. "
        "The sub-category is missing. The number of stores “两家” is not a whole number from 1 to 100,000."
    )


def test_invisible_characters_and_nul_are_refused(reference, english):
    outcome = leads_import_file(
        csv_bytes([["老张\u202e火锅", "", "13812345678", "福州", "", "五四路\x0088号", "火锅", ""]])
    )

    assert outcome.rejections[0].reason == (
        "merchant name: A name cannot contain invisible or text-direction characters (U+202E). "
        "address: A name cannot contain invisible or text-direction characters (U+0000)."
    )
    assert Lead.objects.count() == 0


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13812345678", "+8613812345678"),
        ("138 1234 5678", "+8613812345678"),
        ("138-1234-5678", "+8613812345678"),
        ("+86 138 1234 5678", "+8613812345678"),
        ("0086 13812345678", "+8613812345678"),
        ("８６１３８１２３４５６７８", "+8613812345678"),  # full-width, as a Chinese input method types it
        ("+86 (138) 1234-5678", "+8613812345678"),
    ],
)
def test_mobiles_are_stored_in_e164(reference, typed, stored):
    leads_import_file(csv_bytes([["老张火锅", "", typed, "福州", "", "五四路88号", "火锅", ""]]))
    assert str(Lead.objects.get().mobile) == stored


@pytest.mark.parametrize(
    "typed", ["0591-87654321", "+86 591 8765 4321", "12012345678", "1381234567", "+1 415 555 0100"]
)
def test_landlines_and_foreign_numbers_are_refused(reference, english, typed):
    outcome = leads_import_file(csv_bytes([["老张火锅", "", typed, "福州", "", "五四路88号", "火锅", ""]]))
    assert outcome.rejections[0].reason == f"“{typed}” is not a mainland China mobile number."


def test_reimporting_the_same_file_changes_nothing(reference):
    content = csv_bytes(GOOD + BAD, encoding="gb18030")
    leads_import_file(content)
    before = list(Lead.objects.order_by("pk").values())

    again = leads_import_file(content)

    assert (again.created, again.unchanged, len(again.rejections)) == (0, 3, 7)
    assert list(Lead.objects.order_by("pk").values()) == before


def test_the_same_store_spelled_differently_is_already_in_the_pool(reference):
    leads_import_file(csv_bytes(GOOD[:1]))
    spelled = [["老张火锅", "张三", "+86 138-1234-5678", "福州", "", "五四路８８号", "火锅", "1"]]  # full-width digits

    outcome = leads_import_file(xlsx_bytes(spelled))

    assert (outcome.created, outcome.unchanged) == (0, 1)
    assert Lead.objects.count() == 1


def test_a_chain_keeps_one_lead_per_store(reference):
    """One owner's mobile on two stores: two leads (the key is mobile and address)."""
    rows = [
        ["老张火锅", "张三", "13812345678", "福州", "鼓楼区", "五四路88号", "火锅", "2"],
        ["老张火锅", "张三", "13812345678", "福州", "台江区", "工业路9号", "火锅", "2"],
    ]
    assert leads_import_file(csv_bytes(rows)).created == 2


def test_a_dry_run_counts_and_writes_nothing(reference):
    leads_import_file(csv_bytes(GOOD[:1]))

    outcome = leads_import_file(csv_bytes(GOOD + BAD), dry_run=True)

    assert (outcome.created, outcome.unchanged, len(outcome.rejections)) == (2, 1, 7)
    assert [row["row"] for row in outcome.sample] == [3, 4]
    assert outcome.sample[0] == {
        "row": 3,
        "merchant_name": "小李烧烤",
        "contact_name": "李四",
        "mobile": "+8613912345678",
        "city": "福州市",
        "district": "台江区",
        "address": "工业路1号",
        "category": "烧烤",
        "store_count": 1,
    }
    assert Lead.objects.count() == 1


@pytest.mark.parametrize(
    "header",
    [
        HEADER_EN,
        ["Merchant Name", "Contact Name", "Mobile", "City", "District", "Address", "Sub-category", "Stores"],
        ["商家名称*", "联系人", "手机号码", "城市", "区县", "门店地址", "品类", "门店数量"],
    ],
    ids=["english", "capitalised", "variants"],
)
def test_header_variants_are_understood(reference, header):
    assert leads_import_file(csv_bytes(GOOD, header=header)).created == 3


def test_columns_in_any_order_and_unknown_columns_are_ignored(reference):
    order = [6, 0, 2, 3, 5]  # sub-category, name, mobile, city, address
    header = ["备注", *(HEADER_ZH[i] for i in order)]
    rows = [["VIP", *(row[i] for i in order)] for row in GOOD]

    leads_import_file(csv_bytes(rows, header=header))

    assert list(
        Lead.objects.order_by("pk").values_list("merchant_name", "district", "store_count", "contact_name")
    ) == [
        ("老张火锅", None, 1, ""),
        ("小李烧烤", None, 1, ""),
        ("美甲工作室", None, 1, ""),
    ]


def test_missing_columns_are_one_file_error(reference, english):
    with pytest.raises(LeadFileError) as error:
        leads_import_file(
            csv_bytes(GOOD, header=["商家名称", "联系人", "电话", "城市", "区县", "地址", "类别", "门店数"])
        )

    assert error.value.message.startswith("Columns missing: contact mobile, sub-category. The header row needs")
    assert Lead.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 50, "This is an old Excel file (.xls). Save it as an Excel workbook"),
        (b"PK\x03\x04 not really a workbook", "The Excel workbook cannot be read."),
        (b"\x81\x30", "The file is neither UTF-8 nor GB18030 text nor an Excel workbook."),
        (
            csv_bytes(GOOD, header=["商家名称", "商户", "手机号", "城市", "地址", "品类"]),
            "The column “merchant name” appears twice: “商家名称” and “商户”.",
        ),
    ],
    ids=["empty", "xls", "broken-xlsx", "binary", "twice"],
)
def test_file_errors(reference, english, content, message):
    with pytest.raises(LeadFileError) as error:
        leads_import_file(content)
    assert str(error.value.message).startswith(message)


def test_blank_lines_are_skipped(reference):
    outcome = leads_import_file(csv_bytes([GOOD[0], ["", "", "", "", "", "", "", ""], GOOD[1]]) + b",,,\r\n\r\n")
    assert (outcome.total, outcome.created, outcome.rejections) == (2, 2, [])


def test_an_inactive_city_is_not_a_service_city(reference, english):
    reference[1].is_active = False
    reference[1].save()

    outcome = leads_import_file(csv_bytes(GOOD[2:]))

    assert outcome.rejections[0].reason == "“北京市” is not a service city."


# --- One transaction per file -----------------------------------------------------------------------


@pytest.fixture
def started_import(reference, operator, private_media):
    """A LeadImport as the admin leaves it after the operator pressed Import (the task not yet run)."""
    from django.core.files.base import ContentFile

    return LeadImport.objects.create(
        file=ContentFile(csv_bytes(GOOD + BAD), name="leads.csv"),
        original_name="leads.csv",
        uploaded_by=operator,
        status=ImportStatus.RUNNING,
    )


def test_a_failure_after_the_insert_leaves_no_lead_of_the_file(started_import, monkeypatch, english):
    real_audit = imports.audit_record

    def fail_on_finish(**kwargs):
        if kwargs["action"] == LeadImportAuditAction.FINISH:
            assert Lead.objects.count() == 3  # the rows were inserted, in the transaction
            raise RuntimeError("disk full")
        return real_audit(**kwargs)

    monkeypatch.setattr(imports, "audit_record", fail_on_finish)

    lead_import = lead_import_run(lead_import_id=started_import.pk)

    assert Lead.objects.count() == 0
    assert lead_import.status == ImportStatus.FAILED
    assert lead_import.error == "Unexpected error: RuntimeError: disk full"
    started_import.refresh_from_db()
    assert (started_import.status, started_import.created_count, started_import.finished_at is not None) == (
        ImportStatus.FAILED,
        0,
        True,
    )


def test_the_run_imports_and_records_the_counts(started_import):
    lead_import = lead_import_run(lead_import_id=started_import.pk)

    lead_import.refresh_from_db()
    assert lead_import.status == ImportStatus.DONE
    assert (
        lead_import.total_rows,
        lead_import.valid_rows,
        lead_import.created_count,
        lead_import.unchanged_count,
        lead_import.rejected_count,
    ) == (10, 3, 3, 0, 7)
    assert set(Lead.objects.values_list("imported_in", flat=True)) == {lead_import.pk}


def test_a_redelivered_task_does_nothing(started_import):
    lead_import_run(lead_import_id=started_import.pk)
    Lead.objects.all().delete()

    assert lead_import_run(lead_import_id=started_import.pk) is None
    assert Lead.objects.count() == 0


# --- Set-based --------------------------------------------------------------------------------------


def rows(n: int) -> list[list[str]]:
    return [[f"商家{i}号", "", f"1381234{i:04d}", "福州", "鼓楼区", f"五四路{i}号", "火锅", "1"] for i in range(n)]


def test_the_import_runs_the_same_queries_for_10_and_100_rows(reference):
    counts = []
    for n in (10, 100):
        Lead.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            assert leads_import_file(csv_bytes(rows(n))).created == n
        counts.append(len(captured))
    # 3 reference lookups; savepoint; temporary table; analyze; count; insert; drop; release (COPY is not logged)
    assert counts == [10, 10]


def test_a_failed_import_may_be_started_again_and_a_done_one_not(
    started_import, operator, monkeypatch, django_capture_on_commit_callbacks
):
    from linke.actors import Actor
    from linke.errors import InvalidTransition
    from merchants.services.imports import lead_import_start
    from merchants.tasks import lead_import_run_task

    def database_gone(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(imports, "_write", database_gone)
    assert lead_import_run(lead_import_id=started_import.pk).status == ImportStatus.FAILED
    monkeypatch.undo()

    with django_capture_on_commit_callbacks(execute=True):
        lead_import_start(actor=Actor.operator(operator), lead_import=started_import)

    started_import.refresh_from_db()
    assert (started_import.status, started_import.error, Lead.objects.count()) == (ImportStatus.DONE, "", 3)
    with pytest.raises(InvalidTransition):
        lead_import_start(actor=Actor.operator(operator), lead_import=started_import)
    assert lead_import_run_task.queue == "default"


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


CONTENT_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>'
)


@pytest.mark.parametrize(
    "content",
    [
        _zip({"[Content_Types].xml": "<not xml"}),
        _zip({"[Content_Types].xml": CONTENT_TYPES}),
        _zip({"[Content_Types].xml": CONTENT_TYPES, "xl/workbook.xml": "<<<"}),
    ],
    ids=["broken content types", "no workbook", "broken workbook"],
)
def test_a_damaged_workbook_is_one_clear_file_error(content, cities, categories, english):
    with pytest.raises(LeadFileError, match="The Excel workbook cannot be read"):
        lead_file_check(content)
