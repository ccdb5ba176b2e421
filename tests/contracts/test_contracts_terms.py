"""The terms of a contract (`validate_terms`): what is cleaned, and every refusal with its code and field."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from contracts.choices import ContractKind
from contracts.rules import full_operation_term_ok
from contracts.services.contracts import terms_fingerprint, validate_terms
from linke.errors import ApplicationError

from .lifecycle_setup import full_terms, specialized_terms, today

SPECIALIZED, FULL = ContractKind.SPECIALIZED, ContractKind.FULL_OPERATION


def refusal(kind, terms, **kwargs):
    with pytest.raises(ApplicationError) as refused:
        validate_terms(kind=kind, terms=terms, **kwargs)
    return refused.value.code, refused.value.details.get("field")


def test_specialized_terms_are_cleaned_and_priced():
    start = today() + timedelta(days=3)
    terms = specialized_terms(start=start, title="  探店短视频专项  ", monthly_fee="100", commission_bp=300)
    terms["items"].append(
        {
            "area": "livestream",
            "level": "creative",
            "title": "直播",
            "unit_price": "1999.995",
            "quantity": "2",
            "due_date": (start + timedelta(days=20)).isoformat(),
        }
    )
    cleaned = validate_terms(kind=SPECIALIZED, terms=terms)
    assert cleaned == {
        "title": "探店短视频专项",
        "scope": "拍摄并发布探店短视频",
        "start_date": start,
        "end_date": start + timedelta(days=29),
        "monthly_fee": None,  # a specialized contract is priced by its items
        "commission_bp": None,
        "items": [
            {
                "area": "short_video",
                "level": "basic",
                "title": "探店短视频",
                "unit_price": Decimal("800.00"),
                "quantity": 3,
                "due_date": start + timedelta(days=14),
            },
            {
                "area": "livestream",
                "level": "creative",
                "title": "直播",
                "unit_price": Decimal("2000.00"),  # half up, to the fen
                "quantity": 2,
                "due_date": start + timedelta(days=20),
            },
        ],
        "standards": [],
        "total_price": Decimal("6400.00"),
    }


def test_full_operation_terms_keep_fees_and_sorted_standards():
    cleaned = validate_terms(kind=FULL, terms=full_terms(monthly_fee=None, commission_bp="800"))
    assert (cleaned["monthly_fee"], cleaned["commission_bp"], cleaned["items"]) == (None, 800, [])
    assert cleaned["standards"] == [
        {"kind": "monthly_gmv", "target": Decimal("100000.00")},
        {"kind": "short_videos", "target": Decimal("4.00")},
    ]


def item(**changes):
    return specialized_terms()["items"][0] | changes


@pytest.mark.parametrize(
    ("terms", "expected"),
    [
        (specialized_terms(title=" "), ("title_required", "title")),
        (specialized_terms(title="长" * 101), ("too_long", "title")),
        (specialized_terms(title="a\x00b"), ("invalid_value", "title")),
        (specialized_terms(title=12), ("invalid_value", "title")),
        (specialized_terms(start_date="2027-13-01"), ("invalid_date", "start_date")),
        (specialized_terms(end_date=None), ("invalid_date", "end_date")),
        (specialized_terms(start=today() + timedelta(days=5), end_date=today()), ("dates_order", "end_date")),
        (specialized_terms(start=today() - timedelta(days=1)), ("start_in_past", "start_date")),
        (specialized_terms(items=[]), ("items_required", "items")),
        (specialized_terms(items="items"), ("items_required", "items")),
        (specialized_terms(items=[item()] * 51), ("too_many_items", "items")),
        (specialized_terms(items=["x"]), ("invalid_item", "items.0")),
        (specialized_terms(items=[item(area="tv")]), ("item_area_invalid", "items.0.area")),
        (specialized_terms(items=[item(level=None)]), ("item_level_invalid", "items.0.level")),
        (specialized_terms(items=[item(title="")]), ("item_title_required", "items.0.title")),
        (specialized_terms(items=[item(unit_price=None)]), ("item_price_required", "items.0.unit_price")),
        (specialized_terms(items=[item(unit_price="-1")]), ("invalid_amount", "items.0.unit_price")),
        (specialized_terms(items=[item(unit_price="NaN")]), ("invalid_amount", "items.0.unit_price")),
        (specialized_terms(items=[item(unit_price=True)]), ("invalid_amount", "items.0.unit_price")),
        (specialized_terms(items=[item(quantity=0)]), ("item_quantity", "items.0.quantity")),
        (specialized_terms(items=[item(quantity=101)]), ("item_quantity", "items.0.quantity")),
        (specialized_terms(items=[item(quantity=1.5)]), ("item_quantity", "items.0.quantity")),
        (
            specialized_terms(items=[item(due_date=today() + timedelta(days=31))]),
            ("item_due_after_end", "items.0.due_date"),
        ),
        (specialized_terms(items=[item(due_date=today())]), ("item_due_before_start", "items.0.due_date")),
    ],
)
def test_bad_specialized_terms_are_refused_with_a_code_and_the_field(terms, expected):
    assert refusal(SPECIALIZED, terms) == expected


@pytest.mark.parametrize(
    ("terms", "expected"),
    [
        (full_terms(days=89), ("term_length", "end_date")),
        (full_terms(days=366 * 3), ("term_length", "end_date")),
        (full_terms(monthly_fee=None, commission_bp=None), ("fee_required", "monthly_fee")),
        (full_terms(monthly_fee=Decimal("0"), commission_bp=0), ("fee_required", "monthly_fee")),
        (full_terms(commission_bp=10_001), ("commission_range", "commission_bp")),
        (full_terms(commission_bp=-1), ("commission_range", "commission_bp")),
        (full_terms(commission_bp="5.5"), ("commission_range", "commission_bp")),
        (full_terms(monthly_fee="1e20"), ("invalid_amount", "monthly_fee")),
        (full_terms(standards=[]), ("standards_required", "standards")),
        (full_terms(standards=[{"kind": "likes", "target": 1}]), ("standard_kind_invalid", "standards.0.kind")),
        (full_terms(standards=[{"kind": "short_videos", "target": 0}]), ("standard_target", "standards.0.target")),
        (
            full_terms(standards=[{"kind": "short_videos", "target": 4}, {"kind": "short_videos", "target": 8}]),
            ("standard_duplicate", "standards.1.kind"),
        ),
    ],
)
def test_bad_full_operation_terms_are_refused_with_a_code_and_the_field(terms, expected):
    assert refusal(FULL, terms) == expected


def test_the_kind_and_the_shape_are_checked():
    assert refusal("franchise", specialized_terms()) == ("kind_invalid", "kind")
    assert refusal(SPECIALIZED, ["not", "a", "dict"]) == ("invalid_terms", "terms")


def test_a_past_start_is_accepted_when_the_terms_are_not_new():
    terms = specialized_terms(start=today() - timedelta(days=2))
    terms["items"][0]["due_date"] = today()
    assert validate_terms(kind=SPECIALIZED, terms=terms, new=False)["start_date"] == today() - timedelta(days=2)


def test_the_full_operation_term_is_90_days_to_3_years():
    start = date(2027, 1, 1)
    assert full_operation_term_ok(start, start + timedelta(days=89))
    assert not full_operation_term_ok(start, start + timedelta(days=88))
    assert full_operation_term_ok(start, date(2029, 12, 31))
    assert not full_operation_term_ok(start, date(2030, 1, 1))


def test_the_fingerprint_is_the_sha256_of_the_canonical_json():
    # sha256 of '{"a":1,"b":"门店"}' in UTF-8: keys sorted, no spaces, Chinese kept as is
    assert (
        terms_fingerprint({"b": "门店", "a": 1}) == "6cef7a2793a21c8a44fc3def923f366a9649928fb2e4c7e9e74cd585d97d210a"
    )
