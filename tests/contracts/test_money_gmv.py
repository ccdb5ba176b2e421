"""GMV records through the API's batch (`gmv_record_batch`, `POST /api/v1/gmv/batch/`): attribution to the
full-operation contract covering the store on the order's day, validation per record, idempotent repeats,
refunds linked to their order and never above it (also under concurrent batches), roles."""

import json
import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from contracts.choices import ContractKind, ContractStatus
from contracts.models import GmvRecord
from contracts.services.money import gmv_record_batch
from linke.actors import Actor
from linke.errors import ApplicationError, PermissionDeniedError
from linke.models import AuditEvent
from linke.tenancy import all_providers
from providers.choices import Role

from ..conftest import client_for
from ..factories import MerchantFactory
from ..factories.contracts import make_contract
from ..tenancy.cases.money import full_contract, make_gmv, make_store
from . import money_setup
from .money_setup import END, START, at, order, refund, statuses

pytestmark = pytest.mark.django_db

# The fixtures of money_setup used here (assigned, not imported: a parameter of the same name is no redefinition).
contract, operator_actor, owner, owner_actor, store = (
    money_setup.contract,
    money_setup.operator_actor,
    money_setup.owner,
    money_setup.owner_actor,
    money_setup.store,
)


def recorded() -> list[tuple]:
    with all_providers():
        return list(
            GmvRecord.objects.order_by("order_no").values_list(
                "order_no", "kind", "amount", "provider_id", "contract_id"
            )
        )


# --- attribution -------------------------------------------------------------------------------------


def test_an_order_inside_the_contract_dates_is_attributed_to_it(owner_actor, contract, store, provider):
    results = gmv_record_batch(
        actor=owner_actor,
        records=[
            order("A-START", store, "100.00", at(START, 0, 0)),
            order("A-END", store, "200.50", at(END, 23, 59)),
        ],
    )
    assert statuses(results) == [("A-START", "created", ""), ("A-END", "created", "")]
    assert recorded() == [
        ("A-END", "order", Decimal("200.50"), provider.pk, contract.pk),
        ("A-START", "order", Decimal("100.00"), provider.pk, contract.pk),
    ]


def test_orders_outside_the_contract_dates_are_not_the_providers(owner_actor, contract, store):
    results = gmv_record_batch(
        actor=owner_actor,
        records=[
            order("BEFORE", store, "100.00", at(START - timedelta(days=1), 23, 59)),
            order("AFTER", store, "100.00", at(END + timedelta(days=1), 0, 0)),
        ],
    )
    assert statuses(results) == [("BEFORE", "rejected", "not_attributed"), ("AFTER", "rejected", "not_attributed")]
    assert recorded() == []


def test_the_order_day_is_chinas_calendar_day(owner_actor, contract, store):
    # 2026-05-31 23:30 UTC is 2026-06-01 07:30 in China: the contract's first day.
    utc = datetime(2026, 5, 31, 23, 30, tzinfo=UTC)
    results = gmv_record_batch(actor=owner_actor, records=[order("UTC-1", store, "10.00", utc)])
    assert statuses(results) == [("UTC-1", "created", "")]


def test_commission_stops_on_the_end_date_of_a_terminated_contract(provider, merchant, owner_actor, operator_actor):
    shop = make_store(merchant)
    ended = full_contract(
        provider, merchant, stores=[shop], start=START, end=START + timedelta(days=99), status=ContractStatus.TERMINATED
    )
    last_day = ended.end_date
    results = gmv_record_batch(
        actor=owner_actor,
        records=[
            order("T-LAST", shop, "50.00", at(last_day, 22)),
            order("T-NEXT", shop, "50.00", at(last_day + timedelta(1), 9)),
        ],
    )
    assert statuses(results) == [("T-LAST", "created", ""), ("T-NEXT", "rejected", "not_attributed")]
    # The platform's record of the day after is kept, attributed to nobody.
    results = gmv_record_batch(
        actor=operator_actor, records=[order("T-NEXT", shop, "50.00", at(last_day + timedelta(1), 9))]
    )
    assert statuses(results) == [("T-NEXT", "created", "")]
    assert [(no, contract_id) for no, _kind, _amount, _provider, contract_id in recorded()] == [
        ("T-LAST", ended.pk),
        ("T-NEXT", None),
    ]


def test_a_store_with_only_specialized_work_is_attributed_to_nobody(provider, merchant, owner_actor, operator_actor):
    shop = make_store(merchant)
    make_contract(provider, merchant, stores=[shop], kind=ContractKind.SPECIALIZED, start=START, end=END)
    when = at(START + timedelta(days=3))
    assert statuses(gmv_record_batch(actor=owner_actor, records=[order("S-1", shop, "80.00", when)])) == [
        ("S-1", "rejected", "not_attributed")
    ]
    assert statuses(gmv_record_batch(actor=operator_actor, records=[order("S-1", shop, "80.00", when)])) == [
        ("S-1", "created", "")
    ]
    assert recorded() == [("S-1", "order", Decimal("80.00"), None, None)]


def test_a_cancelled_or_merely_proposed_contract_earns_nothing(provider, merchant, operator_actor):
    cancelled, proposed = make_store(merchant), make_store(merchant)
    full_contract(provider, merchant, stores=[cancelled], start=START, end=END, status=ContractStatus.CANCELLED)
    full_contract(provider, merchant, stores=[proposed], start=START, end=END, status=ContractStatus.PROPOSED)
    when = at(START + timedelta(days=3))
    gmv_record_batch(
        actor=operator_actor, records=[order("C-1", cancelled, "1.00", when), order("P-1", proposed, "1.00", when)]
    )
    assert [(no, contract_id) for no, _k, _a, _p, contract_id in recorded()] == [("C-1", None), ("P-1", None)]


def test_another_providers_store_cannot_be_named(other_provider, owner_actor, merchant):
    theirs = make_store(merchant)
    full_contract(other_provider, merchant, stores=[theirs], start=START, end=END)
    missing = type(theirs)(pk=2**62)
    results = gmv_record_batch(
        actor=owner_actor,
        records=[
            order("X-1", theirs, "9.00", at(START + timedelta(1))),
            order("X-2", missing, "9.00", at(START + timedelta(1))),
        ],
    )
    # The same answer whether the store exists or not: nothing to learn about other tenants' stores.
    assert statuses(results) == [("X-1", "rejected", "not_attributed"), ("X-2", "rejected", "not_attributed")]
    assert recorded() == []


def test_an_operator_naming_a_missing_store_is_told(operator_actor, store):
    missing = type(store)(pk=2**62)
    results = gmv_record_batch(actor=operator_actor, records=[order("M-1", missing, "9.00", at(START))])
    assert statuses(results) == [("M-1", "rejected", "unknown_store")]


# --- idempotency ---------------------------------------------------------------------------------------


def test_posting_the_same_batch_again_changes_nothing(owner_actor, contract, store):
    batch = [
        order("R-1", store, "100.00", at(START + timedelta(1))),
        order("R-2", store, "20.00", at(START + timedelta(2))),
        refund("R-1-BACK", "R-1", store, "-30.00", at(START + timedelta(3))),
    ]
    first = gmv_record_batch(actor=owner_actor, records=batch)
    before = recorded()
    second = gmv_record_batch(actor=owner_actor, records=batch)
    assert [r["status"] for r in first] == ["created", "created", "created"]
    assert statuses(second) == [
        ("R-1", "unchanged", "already_recorded"),
        ("R-2", "unchanged", "already_recorded"),
        ("R-1-BACK", "unchanged", "already_recorded"),
    ]
    assert recorded() == before and len(before) == 3
    assert AuditEvent.objects.filter(action="gmv.import").count() == 1  # the repeat wrote nothing


@pytest.mark.usefixtures("english")
def test_a_repeated_order_number_within_a_batch_is_refused(owner_actor, contract, store):
    results = gmv_record_batch(
        actor=owner_actor,
        records=[order("D-1", store, "1.00", at(START)), order("D-1", store, "2.00", at(START))],
    )
    assert statuses(results) == [("D-1", "created", ""), ("D-1", "rejected", "duplicate_order_no")]
    assert results[1]["message"] == "Same order number as record 0 of this batch."


# --- refunds -------------------------------------------------------------------------------------------


def test_refunds_are_linked_to_their_order_and_attributed_with_it(owner_actor, contract, store, provider):
    results = gmv_record_batch(
        actor=owner_actor,
        records=[
            order("O-1", store, "100.00", at(START + timedelta(1))),
            refund("O-1-R1", "O-1", store, "-40.00", at(START + timedelta(2))),
            refund("O-1-R2", "O-1", store, "-60.00", at(START + timedelta(3))),
        ],
    )
    assert [r["status"] for r in results] == ["created", "created", "created"]
    with all_providers():
        refunds = list(
            GmvRecord.objects.filter(kind="refund")
            .order_by("order_no")
            .values_list("order_no", "refund_of__order_no", "contract_id")
        )
    assert refunds == [("O-1-R1", "O-1", contract.pk), ("O-1-R2", "O-1", contract.pk)]


@pytest.mark.usefixtures("english")
def test_refunds_exceeding_their_order_are_refused(owner_actor, contract, store):
    gmv_record_batch(actor=owner_actor, records=[order("O-2", store, "100.00", at(START + timedelta(1)))])
    gmv_record_batch(actor=owner_actor, records=[refund("O-2-R1", "O-2", store, "-70.00", at(START + timedelta(2)))])
    results = gmv_record_batch(
        actor=owner_actor,
        records=[
            refund("O-2-R2", "O-2", store, "-30.00", at(START + timedelta(3))),
            refund("O-2-R3", "O-2", store, "-0.01", at(START + timedelta(3))),
        ],
    )
    assert statuses(results) == [("O-2-R2", "created", ""), ("O-2-R3", "rejected", "refund_exceeds_order")]
    assert results[1]["message"] == "Refunds of order O-2 would total ¥100.01, more than the order's ¥100.00."


@pytest.mark.usefixtures("english")
def test_each_bad_record_is_answered_with_its_reason(owner_actor, contract, store):
    day = START + timedelta(days=5)
    gmv_record_batch(actor=owner_actor, records=[order("BASE", store, "10.00", at(day))])
    other_shop = make_store(store.merchant)
    full_contract(contract.provider, store.merchant, stores=[other_shop], start=START, end=END)
    future = timezone.now() + timedelta(hours=1)
    records = [
        "not an object",
        order("", store, "1.00", at(day)),
        order("有 空格", store, "1.00", at(day)),
        order("X" * 65, store, "1.00", at(day)),
        order("K-1", store, "1.00", at(day), kind="sale"),
        {**order("S-1", store, "1.00", at(day)), "store": "12a"},
        {**order("S-2", store, "1.00", at(day)), "store": True},
        order("A-1", store, "1.005", at(day)),
        order("A-2", store, "abc", at(day)),
        order("A-3", store, "0.00", at(day)),
        order("A-4", store, "1e20", at(day)),
        refund("A-5", "BASE", store, "5.00", at(day)),
        order("T-1", store, "1.00", at(day), ordered_at="yesterday"),
        order("T-2", store, "1.00", at(day), ordered_at="2026-06-05T12:00:00"),
        order("T-3", store, "1.00", future),
        order("F-1", store, "1.00", at(day), refund_of="BASE"),
        {**refund("F-2", "BASE", store, "-1.00", at(day)), "refund_of": None},
        refund("F-3", "NOPE", store, "-1.00", at(day)),
        refund("F-4", "BASE", other_shop, "-1.00", at(day)),
        refund("F-5", "BASE", store, "-1.00", at(day - timedelta(days=1))),
        refund("F-6", "BASE", store, "-10.01", at(day)),
    ]
    results = gmv_record_batch(actor=owner_actor, records=records)
    assert [r["code"] for r in results] == [
        "invalid_record",
        "order_no_invalid",
        "order_no_invalid",
        "order_no_invalid",
        "kind_invalid",
        "store_invalid",
        "store_invalid",
        "amount_invalid",
        "amount_invalid",
        "amount_sign",
        "amount_invalid",
        "amount_sign",
        "ordered_at_invalid",
        "ordered_at_naive",
        "ordered_at_future",
        "refund_of_unexpected",
        "refund_of_missing",
        "refund_order_unknown",
        "refund_store_mismatch",
        "refund_before_order",
        "refund_exceeds_order",
    ]
    assert {r["status"] for r in results} == {"rejected"}
    assert results[13]["message"] == "The order time needs its UTC offset, e.g. 2026-01-05T12:30:00+08:00."
    assert recorded() == [("BASE", "order", Decimal("10.00"), contract.provider_id, contract.pk)]


def test_a_provider_cannot_refund_another_providers_order(other_provider, merchant, owner_actor, operator_actor):
    theirs = make_store(merchant)
    full_contract(other_provider, merchant, stores=[theirs], start=START, end=END)
    gmv_record_batch(actor=operator_actor, records=[order("THEIRS", theirs, "50.00", at(START))])
    results = gmv_record_batch(actor=owner_actor, records=[refund("THEIRS-R", "THEIRS", theirs, "-5.00", at(START))])
    assert statuses(results) == [("THEIRS-R", "rejected", "refund_order_unknown")]


@pytest.mark.django_db(transaction=True)
def test_concurrent_refunds_of_one_order_never_exceed_it(provider, merchant, member):
    """Two batches at once each refund 60 of a 100 order: the order's row lock queues them, one is refused."""
    shop = make_store(merchant)
    full_contract(provider, merchant, stores=[shop], start=START, end=END)
    actor = Actor.member(member(Role.OWNER))
    gmv_record_batch(actor=actor, records=[order("RACE", shop, "100.00", at(START))])
    barrier = threading.Barrier(2)
    answers = []

    def post(number):
        try:
            barrier.wait(timeout=10)
            answers.extend(
                gmv_record_batch(actor=actor, records=[refund(f"RACE-R{number}", "RACE", shop, "-60.00", at(START))])
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(n,)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted((r["status"], r["code"]) for r in answers) == [("created", ""), ("rejected", "refund_exceeds_order")]
    with all_providers():
        assert GmvRecord.objects.filter(refund_of__order_no="RACE").count() == 1


# --- the batch as a whole, roles -----------------------------------------------------------------------


def test_a_batch_of_1001_records_is_refused_whole(owner_actor, contract, store):
    records = [order(f"B-{n}", store, "1.00", at(START)) for n in range(1001)]
    with pytest.raises(ApplicationError) as refused:
        gmv_record_batch(actor=owner_actor, records=records)
    assert (refused.value.code, refused.value.details) == ("batch_too_large", {"max": 1000, "count": 1001})
    assert recorded() == []


def test_a_batch_of_1000_records_is_taken(owner_actor, contract, store):
    results = gmv_record_batch(
        actor=owner_actor, records=[order(f"B-{n:04d}", store, "1.00", at(START)) for n in range(1000)]
    )
    assert [r["status"] for r in results].count("created") == 1000


@pytest.mark.parametrize("role", [Role.VIEWER, Role.BD])
def test_only_owner_admins_and_operators_record_gmv(role, member, contract, store):
    with pytest.raises(PermissionDeniedError):
        gmv_record_batch(actor=Actor.member(member(role)), records=[order("N-1", store, "1.00", at(START))])
    results = gmv_record_batch(
        actor=Actor.member(member(Role.OPERATOR)), records=[order("N-1", store, "1.00", at(START))]
    )
    assert statuses(results) == [("N-1", "created", "")]


def test_a_merchant_cannot_record_gmv(merchant, store):
    with pytest.raises(PermissionDeniedError):
        gmv_record_batch(
            actor=Actor.for_merchant(merchant, user=merchant.owner), records=[order("N-2", store, "1.00", at(START))]
        )


# --- the endpoint ----------------------------------------------------------------------------------------

BATCH_URL = "/api/v1/gmv/batch/"


def post_json(client, url, body):
    return client.post(
        url, data=json.dumps(body) if not isinstance(body, bytes) else body, content_type="application/json"
    )


def test_the_endpoint_answers_each_record(owner, contract, store):
    response = post_json(
        client_for(owner),
        BATCH_URL,
        {"records": [order("E-1", store, "12.34", at(START)), order("E-2", store, "-1", at(START))]},
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["created"], body["unchanged"], body["rejected"]) == (1, 0, 1)
    assert [(r["index"], r["order_no"], r["status"], r["code"]) for r in body["results"]] == [
        (0, "E-1", "created", ""),
        (1, "E-2", "rejected", "amount_sign"),
    ]
    assert reverse("api:gmv-batch") == BATCH_URL


def test_the_endpoint_refuses_1001_records(owner, contract, store):
    records = [order(f"B-{n}", store, "1.00", at(START)) for n in range(1001)]
    response = post_json(client_for(owner), BATCH_URL, {"records": records})
    assert response.status_code == 400
    assert response.json()["code"] == "batch_too_large"
    assert recorded() == []


@pytest.mark.parametrize(
    "body",
    [
        [],
        {"records": "nope"},
        {"records": {}},
        {},
        b"{not json",
        b'{"records": [{"order_no": "A\\u0000B"}]}',
        {
            "records": [
                {
                    "order_no": "Z",
                    "store": 2**80,
                    "amount": "1",
                    "kind": "order",
                    "ordered_at": "2026-06-02T12:00:00+08:00",
                }
            ]
        },
    ],
)
def test_crafted_input_is_a_400_or_a_per_record_refusal_never_a_500(owner, contract, body):
    response = post_json(client_for(owner), BATCH_URL, body)
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert [r["code"] for r in response.json()["results"]] == ["store_invalid"]
    else:
        assert response.json()["code"] in {"invalid", "malformed_request", "batch_empty"}
    assert recorded() == []


def test_the_endpoint_refuses_a_viewer(member, contract, store):
    response = post_json(
        client_for(member(Role.VIEWER)), BATCH_URL, {"records": [order("V-1", store, "1.00", at(START))]}
    )
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")


def test_the_providers_list_shows_only_its_attributed_records(owner, contract, store, other_provider):
    foreign_merchant = MerchantFactory()
    foreign_store = make_store(foreign_merchant)
    foreign = full_contract(other_provider, foreign_merchant, stores=[foreign_store], start=START, end=END)
    make_gmv(store, amount="10.00", ordered_at=at(START), contract=contract, order_no="MINE-1")
    make_gmv(store, amount="11.00", ordered_at=at(START), order_no="UNATTRIBUTED-1")
    make_gmv(foreign_store, amount="12.00", ordered_at=at(START), contract=foreign, order_no="THEIRS-1")
    response = client_for(owner).get("/api/v1/gmv/")
    assert [row["order_no"] for row in response.json()["results"]] == ["MINE-1"]


def test_the_merchants_list_shows_all_of_its_own_records(merchant_client, contract, store, other_provider):
    make_gmv(store, amount="10.00", ordered_at=at(START), contract=contract, order_no="MINE-1")
    make_gmv(store, amount="11.00", ordered_at=at(START + timedelta(1)), order_no="UNATTRIBUTED-1")
    elsewhere = make_store(MerchantFactory())
    make_gmv(elsewhere, amount="12.00", ordered_at=at(START), order_no="OTHER-MERCHANT-1")
    response = merchant_client.get("/api/v1/merchant/gmv/")
    assert [(row["order_no"], row["contract"]) for row in response.json()["results"]] == [
        ("UNATTRIBUTED-1", None),
        ("MINE-1", contract.pk),
    ]
