"""`manage.py import_gmv FILE`: platform data for any store, CSV in UTF-8 (with or without BOM) or GB18030,
Chinese or English headers, attributed by the same rule as the API, idempotent, rejected rows reported."""

import csv
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from contracts.choices import ContractStatus
from contracts.models import GmvRecord
from contracts.services.money import gmv_import_file
from linke.models import AuditEvent
from linke.tenancy import all_providers

from ..tenancy.cases.money import full_contract, make_store
from . import money_setup
from .money_setup import START

pytestmark = pytest.mark.django_db

# The fixtures of money_setup used here (assigned, not imported: a parameter of the same name is no redefinition).
contract, store = money_setup.contract, money_setup.store

ZH_HEADER = "订单号,门店ID,金额,下单时间,类型,原订单号"
EN_HEADER = "order_no,store_id,amount,ordered_at,kind,refund_of"


def csv_text(header, *rows) -> str:
    """A CSV file's text as Excel writes it (CRLF, fields with a comma quoted)."""
    out = StringIO()
    csv.writer(out).writerows([header.split(","), *rows])
    return out.getvalue()


def run(path, *args) -> str:
    out = StringIO()
    call_command("import_gmv", str(path), "--no-progress", *args, stdout=out)
    return out.getvalue()


def recorded() -> list[tuple]:
    with all_providers():
        return list(
            GmvRecord.objects.order_by("order_no").values_list(
                "order_no", "kind", "amount", "contract_id", "refund_of__order_no"
            )
        )


def rows_of(shop, other):
    day = START + timedelta(days=10)
    return [
        ("MT-0001", shop.pk, "268.00", f"{day} 12:30:00", "订单", ""),
        ("MT-0002", shop.pk, "1,000.50", f"{day.year}/{day.month}/{day.day} 18:05", "", ""),
        ("MT-0001-R", shop.pk, "-68.00", f"{day + timedelta(1)} 09:00:00", "退款", "MT-0001"),
        ("MT-0003", other.pk, "99.90", f"{day}T20:00:00+08:00", "order", ""),
    ]


@pytest.mark.usefixtures("english")
def test_a_gb18030_file_with_chinese_headers_is_imported_and_attributed(tmp_path, contract, store, merchant):
    other = make_store(merchant)  # no contract: its orders are unattributed
    path = tmp_path / "美团订单.csv"
    path.write_bytes(csv_text(ZH_HEADER, *rows_of(store, other)).encode("gb18030"))
    output = run(path)
    assert output.splitlines()[0] == (
        "美团订单.csv (GB18030): 4 rows, 4 valid: 4 created (1 unattributed), 0 already recorded; 0 rejected."
    )
    assert recorded() == [
        ("MT-0001", "order", Decimal("268.00"), contract.pk, None),
        ("MT-0001-R", "refund", Decimal("-68.00"), contract.pk, "MT-0001"),
        ("MT-0002", "order", Decimal("1000.50"), contract.pk, None),
        ("MT-0003", "order", Decimal("99.90"), None, None),
    ]
    assert not (tmp_path / "美团订单.csv.rejected.csv").exists()
    assert AuditEvent.objects.filter(action="gmv.import", actor_kind="system").count() == 1


@pytest.mark.usefixtures("english")
def test_re_importing_a_file_changes_nothing(tmp_path, contract, store, merchant):
    other = make_store(merchant)
    path = tmp_path / "orders.csv"
    path.write_text(csv_text(EN_HEADER, *rows_of(store, other)), encoding="utf-8-sig")
    first = run(path)
    before = recorded()
    second = run(path)
    assert first.splitlines()[0] == (
        "orders.csv (UTF-8 (BOM)): 4 rows, 4 valid: 4 created (1 unattributed), 0 already recorded; 0 rejected."
    )
    assert second.splitlines()[0] == (
        "orders.csv (UTF-8 (BOM)): 4 rows, 4 valid: 0 created (0 unattributed), 4 already recorded; 0 rejected."
    )
    assert recorded() == before


@pytest.mark.usefixtures("english")
def test_a_dry_run_counts_and_writes_nothing(tmp_path, contract, store):
    path = tmp_path / "orders.csv"
    path.write_text(csv_text(EN_HEADER, ("DRY-1", store.pk, "10.00", f"{START} 10:00", "", "")), encoding="utf-8")
    output = run(path, "--dry-run")
    assert output.splitlines() == [
        "orders.csv (UTF-8): 1 rows, 1 valid: 1 would be created (0 unattributed), 0 already recorded; 0 rejected.",
        "Dry run: nothing was written.",
    ]
    assert recorded() == []


def test_an_order_after_a_terminated_contracts_end_date_is_unattributed(merchant, provider):
    shop = make_store(merchant)
    ended = full_contract(
        provider, merchant, stores=[shop], start=START, end=START + timedelta(days=99), status=ContractStatus.TERMINATED
    )
    last = ended.end_date
    content = csv_text(
        EN_HEADER,
        ("E-LAST", shop.pk, "10.00", f"{last} 23:59:59", "", ""),
        ("E-NEXT", shop.pk, "10.00", f"{last + timedelta(1)} 00:00:00", "", ""),
    ).encode()
    outcome = gmv_import_file(content)
    assert (outcome.created, outcome.unattributed) == (2, 1)
    assert [(no, contract_id) for no, _k, _a, contract_id, _r in recorded()] == [("E-LAST", ended.pk), ("E-NEXT", None)]


@pytest.mark.usefixtures("english")
def test_bad_rows_are_rejected_each_with_its_reason_and_reported_beside_the_file(tmp_path, contract, store):
    day = START + timedelta(days=3)
    rows = [
        ("OK-1", store.pk, "50.00", f"{day} 10:00", "", ""),
        ("", store.pk, "1.00", f"{day} 10:00", "", ""),
        ("BAD-STORE", "门店", "1.00", f"{day} 10:00", "", ""),
        ("NO-STORE", 2**62, "1.00", f"{day} 10:00", "", ""),
        ("BAD-AMOUNT", store.pk, "1.234", f"{day} 10:00", "", ""),
        ("BAD-SIGN", store.pk, "-5.00", f"{day} 10:00", "订单", ""),
        ("BAD-TIME", store.pk, "1.00", "明天", "", ""),
        ("FUTURE", store.pk, "1.00", "2999-01-01 00:00", "", ""),
        ("BAD-KIND", store.pk, "1.00", f"{day} 10:00", "赠品", ""),
        ("OK-1", store.pk, "50.00", f"{day} 10:00", "", ""),
        ("R-UNKNOWN", store.pk, "-1.00", f"{day} 11:00", "退款", "NOPE"),
        ("R-TOO-MUCH", store.pk, "-50.01", f"{day} 11:00", "退款", "OK-1"),
        ("R-OK", store.pk, "-50.00", f"{day} 11:00", "退款", "OK-1"),
    ]
    path = tmp_path / "orders.csv"
    path.write_text(csv_text(EN_HEADER, *rows), encoding="utf-8")
    output = run(path)
    lines = output.splitlines()
    assert (
        lines[0] == "orders.csv (UTF-8): 13 rows, 2 valid: 2 created (0 unattributed), 0 already recorded; 11 rejected."
    )
    assert sorted(lines[1:-1]) == sorted(
        [
            "  order_no_invalid: 1",
            "  store_invalid: 1",
            "  unknown_store: 1",
            "  amount_invalid: 1",
            "  amount_sign: 1",
            "  ordered_at_invalid: 1",
            "  ordered_at_future: 1",
            "  kind_invalid: 1",
            "  duplicate_order_no: 1",
            "  refund_order_unknown: 1",
            "  refund_exceeds_order: 1",
        ]
    )
    assert recorded() == [
        ("OK-1", "order", Decimal("50.00"), contract.pk, None),
        ("R-OK", "refund", Decimal("-50.00"), contract.pk, "OK-1"),
    ]
    report = list(csv.reader(StringIO((tmp_path / "orders.csv.rejected.csv").read_text(encoding="utf-8-sig"))))
    assert report[0] == ["Row", "order_no", "store_id", "amount", "ordered_at", "kind", "refund_of", "Reason"]
    assert [line[0] for line in report[1:]] == ["3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13"]
    assert report[9] == ["11", "OK-1", str(store.pk), "50.00", f"{day} 10:00", "", "", "Same order number as row 2."]
    assert report[-1] == [
        "13",
        "R-TOO-MUCH",
        str(store.pk),
        "-50.01",
        f"{day} 11:00",
        "退款",
        "OK-1",
        "Refunds of order OK-1 would total ¥50.01, more than the order's ¥50.00.",
    ]


def test_a_file_neither_utf8_nor_gb18030_is_refused(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_bytes(b"order_no,store_id\n\xff\xff\xff\n")
    with pytest.raises(CommandError, match="neither UTF-8 nor GB18030|既不是"):
        run(path)


@pytest.mark.usefixtures("english")
def test_a_file_without_the_required_columns_is_refused(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("订单号,金额\nA,1.00\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Columns missing: store, ordered_at"):
        run(path)
    assert recorded() == []
