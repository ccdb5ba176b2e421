"""`manage.py generate_scale_data`, the contracts step (`contracts.scale`): the tiny preset's rows, the
shapes the other areas rely on (no two full-operation periods on a store, signed terms and their
fingerprints, deliverables and breaches, refunds of orders of the same store, attribution, statements
from the GMV, standings from the reviews and the GMV), determinism per seed.

The clock is frozen (`FROZEN`): the rows are dated from the moment of the run, so the counts that depend
on calendar months stay the same whatever day the tests run."""

import hashlib
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from contracts.models import (
    Contract,
    ContractEvent,
    ContractStore,
    Deliverable,
    DeliveryStandard,
    GmvRecord,
    Review,
    ServiceItem,
    SlaBreach,
    Statement,
)
from contracts.rules import review_rating
from contracts.services.terms import signed_terms_of, terms_fingerprint
from linke.tenancy import all_providers
from providers.models import ProviderStanding, PublicReview
from tests.factories.contracts import make_contract

pytestmark = pytest.mark.django_db

FROZEN = datetime(2026, 11, 18, 2, 30, tzinfo=UTC)  # 10:30 in Shanghai


@pytest.fixture
def reference_data(db, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: FROZEN)
    call_command("load_reference_data", verbosity=0)


def generate(**options):
    call_command("generate_scale_data", **{"scale": "tiny", "seed": 1, "yes_i_know": True, "verbosity": 0, **options})


def scalar(query: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchone()[0]


def fingerprint() -> str:
    """A checksum of what the contracts step decided: parties, kinds, states, dates, terms, deliverables, GMV."""
    return hashlib.sha256(
        "".join(
            scalar(query)
            for query in (
                "SELECT md5(string_agg(concat_ws('|', provider_id, merchant_id, kind, status, title, start_date, "
                "end_date, signed_fingerprint), ',' ORDER BY id)) FROM contracts_contract",
                "SELECT md5(string_agg(concat_ws('|', contract_id, status, title, due_at), ',' ORDER BY id)) "
                "FROM contracts_deliverable",
                "SELECT md5(string_agg(concat_ws('|', order_no, amount, store_id, contract_id), ',' ORDER BY id)) "
                "FROM contracts_gmvrecord",
            )
        ).encode()
    ).hexdigest()


def test_tiny_preset_writes_the_expected_contract_rows(reference_data):
    generate()

    with all_providers():
        assert Contract.objects.count() == 400
        assert Deliverable.objects.count() == 1_000
        assert GmvRecord.objects.count() == 2_000
        assert GmvRecord.objects.filter(kind="refund").count() == 60
        assert GmvRecord.objects.exclude(contract=None).count() == 1_632
        assert ContractStore.objects.count() == 434
        assert ServiceItem.objects.count() == 404
        assert DeliveryStandard.objects.count() == 286
        assert ContractEvent.objects.count() == 811
        assert SlaBreach.objects.count() == 39
        assert Statement.objects.count() == 121
        assert Review.objects.count() == PublicReview.objects.count() == 53
        states = Counter(Contract.objects.values_list("kind", "status"))
        deliverables = Counter(Deliverable.objects.values_list("status", flat=True))
    assert states == {
        ("full_operation", "proposed"): 4,
        ("full_operation", "signed"): 6,
        ("full_operation", "active"): 35,
        ("full_operation", "completed"): 52,
        ("full_operation", "expired"): 11,
        ("full_operation", "terminated"): 4,
        ("full_operation", "rejected"): 6,
        ("full_operation", "cancelled"): 2,
        ("specialized", "proposed"): 7,
        ("specialized", "signed"): 10,
        ("specialized", "active"): 29,
        ("specialized", "completed"): 170,
        ("specialized", "expired"): 28,
        ("specialized", "terminated"): 15,
        ("specialized", "rejected"): 6,
        ("specialized", "cancelled"): 15,
    }
    assert deliverables == {"accepted": 815, "pending": 178, "submitted": 7}


def test_full_operation_periods_never_overlap_on_a_store(reference_data):
    generate()  # the exclusion constraint checked every exclusive row as it was copied

    with all_providers():
        assert ContractStore.objects.filter(exclusive=True).count() == 45
        assert set(ContractStore.objects.filter(exclusive=True).values_list("contract__status", flat=True)) == {
            "signed",
            "active",
        }
    # Not only the binding ones: no two full-operation contracts that ran or will run share a store's day.
    assert (
        scalar(
            "SELECT count(*) FROM contracts_contractstore one "
            "JOIN contracts_contractstore other ON other.store_id = one.store_id AND other.id > one.id "
            "AND other.period && one.period "
            "JOIN contracts_contract a ON a.id = one.contract_id JOIN contracts_contract b ON b.id = other.contract_id "
            "WHERE a.kind = 'full_operation' AND b.kind = 'full_operation' "
            "AND a.status NOT IN ('proposed', 'rejected', 'cancelled') "
            "AND b.status NOT IN ('proposed', 'rejected', 'cancelled')"
        )
        == 0
    )
    # Every contract is for stores of its merchant; an upgrade follows a specialized contract of its provider.
    assert (
        scalar(
            "SELECT count(*) FROM contracts_contractstore link JOIN contracts_contract c ON c.id = link.contract_id "
            "JOIN merchants_store store ON store.id = link.store_id WHERE store.merchant_id <> c.merchant_id"
        )
        == 0
    )
    with all_providers():
        upgrades = Contract.objects.filter(origin="upgrade").select_related("upgraded_from")
        assert upgrades.count() == 5
        for contract in upgrades:
            assert contract.kind == "full_operation" and contract.upgraded_from.kind == "specialized"
            assert contract.upgraded_from.provider_id == contract.provider_id
            assert contract.upgraded_from.end_date < contract.start_date


def test_signed_contracts_carry_their_terms_frozen(reference_data):
    generate()

    with all_providers():
        signed = Contract.objects.exclude(signed_terms=None).order_by("pk")
        assert signed.count() == 361
        assert not Contract.objects.filter(
            status__in=["signed", "active", "completed", "expired", "terminated"], signed_terms=None
        ).exists()
        for contract in signed:
            assert terms_fingerprint(contract.signed_terms) == contract.signed_fingerprint
        # What the lifecycle would have snapshotted at signing (a termination moves the end date only).
        for contract in signed.exclude(status="terminated")[:40]:
            assert signed_terms_of(contract) == contract.signed_terms
        contract = signed.first()
        with pytest.raises(DatabaseError, match="its terms cannot change"), transaction.atomic():
            Contract.objects.filter(pk=contract.pk).update(title="改过的标题")
    # The sequences moved past the generated ids: the next contract gets a new one.
    with all_providers():
        store = contract.contract_stores.first().store
        added = make_contract(contract.provider, contract.merchant, stores=[store], status="proposed")
    assert added.pk == 401


def test_deliverables_follow_their_contracts(reference_data):
    generate()

    assert (
        scalar(
            "SELECT count(*) FROM contracts_deliverable d JOIN contracts_contract c ON c.id = d.contract_id "
            "WHERE (d.due_at AT TIME ZONE 'Asia/Shanghai' - interval '1 second')::date "
            "NOT BETWEEN c.start_date AND c.end_date "
            "OR c.status NOT IN ('signed', 'active', 'completed', 'expired', 'terminated')"
        )
        == 0
    )
    with all_providers():
        # What the next SLA check finds: open, 24 h past due, no breach yet; all of active contracts.
        overdue = Deliverable.objects.filter(
            status__in=["pending", "rejected"], breached_at=None, due_at__lt=FROZEN - timedelta(hours=24)
        )
        assert overdue.count() == 6
        assert set(overdue.values_list("contract__status", flat=True)) == {"active"}
        for breach in SlaBreach.objects.select_related("deliverable"):
            assert breach.deliverable.breached_at == breach.recorded_at
            assert breach.recorded_at >= breach.due_at + timedelta(hours=24)
            assert (breach.contract_id, breach.due_at) == (breach.deliverable.contract_id, breach.deliverable.due_at)
        assert Deliverable.objects.exclude(breached_at=None).count() == 39
        assert (
            not Deliverable.objects.filter(status="pending", breached_at=None, due_at__gt=FROZEN)
            .exclude(submitted_at=None)
            .exists()
        )
        assert not Deliverable.objects.exclude(status="pending").filter(evidence_links=[]).exists()
        assert not Deliverable.objects.filter(status="accepted", decided_at=None).exists()
        # Full operation: its standards' months; specialized: its items' units.
        assert not Deliverable.objects.filter(standard=None, service_item=None).exists()
        assert not Deliverable.objects.filter(contract__kind="full_operation", standard=None).exists()


def test_gmv_refunds_attribution_and_statements(reference_data):
    generate()

    with all_providers():
        refunds = GmvRecord.objects.filter(kind="refund").select_related("refund_of")
        for refund in refunds:
            order = refund.refund_of
            assert order.kind == "order" and order.store_id == refund.store_id
            assert order.merchant_id == refund.merchant_id and order.contract_id == refund.contract_id
            assert -refund.amount <= order.amount and refund.ordered_at >= order.ordered_at
        assert len({refund.refund_of_id for refund in refunds}) == 60
    # Attributed orders lie in their contract's period at that store; unattributed ones in none.
    assert (
        scalar(
            "SELECT count(*) FROM contracts_gmvrecord g WHERE g.kind = 'order' AND g.contract_id IS NOT NULL AND NOT "
            "EXISTS (SELECT 1 FROM contracts_contractstore link JOIN contracts_contract c ON c.id = link.contract_id "
            "WHERE c.id = g.contract_id AND c.provider_id = g.provider_id AND link.store_id = g.store_id "
            "AND link.period @> (g.ordered_at AT TIME ZONE 'Asia/Shanghai')::date AND c.kind = 'full_operation' "
            "AND c.status IN ('active', 'completed', 'expired', 'terminated'))"
        )
        == 0
    )
    assert (
        scalar(
            "SELECT count(*) FROM contracts_gmvrecord g WHERE g.contract_id IS NULL AND EXISTS (SELECT 1 FROM "
            "contracts_contractstore link JOIN contracts_contract c ON c.id = link.contract_id "
            "WHERE link.store_id = g.store_id AND link.period @> (g.ordered_at AT TIME ZONE 'Asia/Shanghai')::date "
            "AND c.kind = 'full_operation' AND c.status IN ('active', 'completed', 'expired', 'terminated'))"
        )
        == 0
    )
    # A statement's GMV and refunds are its contract's records of that month; total = fee + commission.
    assert (
        scalar(
            "SELECT count(*) FROM contracts_statement s WHERE s.total <> s.fixed_fee + s.commission "
            "OR s.gmv <> (SELECT coalesce(sum(amount), 0) FROM contracts_gmvrecord g "
            "WHERE g.contract_id = s.contract_id AND g.kind = 'order' "
            "AND date_trunc('month', g.ordered_at AT TIME ZONE 'Asia/Shanghai')::date = s.period) "
            "OR s.refunds <> (SELECT coalesce(-sum(amount), 0) FROM contracts_gmvrecord g "
            "WHERE g.contract_id = s.contract_id AND g.kind = 'refund' "
            "AND date_trunc('month', g.ordered_at AT TIME ZONE 'Asia/Shanghai')::date = s.period)"
        )
        == 0
    )
    with all_providers():
        statement = Statement.objects.exclude(commission_bp=0).order_by("pk").first()
        net = statement.gmv - statement.refunds
        expected = (net * statement.commission_bp / Decimal(10_000)).quantize(Decimal("0.01"), "ROUND_HALF_UP")
        assert statement.commission == expected


def test_standings_come_from_the_reviews_and_the_gmv(reference_data):
    generate()

    with all_providers():
        reviews = Counter()
        points = Counter()
        for review in Review.objects.all():
            reviews[review.provider_id] += 1
            points[review.provider_id] += review.professionalism + review.communication + review.results
            assert review.written_by_id == review.merchant.owner_id
            assert review.contract.status in ("completed", "expired", "terminated")
        gmv = Counter()
        for provider_id, amount in GmvRecord.objects.exclude(provider=None).values_list("provider_id", "amount"):
            gmv[provider_id] += amount
        for standing in ProviderStanding.objects.all():
            provider_id = standing.provider_id
            assert standing.review_count == reviews[provider_id]
            assert standing.rating == review_rating(points[provider_id], reviews[provider_id])
            assert standing.gmv_served == gmv[provider_id]
        assert len(reviews) == 24
        assert PublicReview.objects.filter(review_id__in=Review.objects.values("pk")).count() == 53


def test_the_same_seed_writes_the_same_contracts_and_another_seed_others(reference_data):
    with transaction.atomic():
        generate()
        first = fingerprint()
        transaction.set_rollback(True)
    with transaction.atomic():
        generate(seed=2)
        other = fingerprint()
        transaction.set_rollback(True)
    generate()

    assert fingerprint() == first
    assert other != first


def test_sizes_of_the_contracts_step_can_be_given(reference_data):
    with transaction.atomic():
        generate(contracts=0)
        with all_providers():
            nothing = (Contract.objects.count(), Deliverable.objects.count(), GmvRecord.objects.count())
        transaction.set_rollback(True)
    generate(contracts=50, deliverables=120, gmv=300)

    assert nothing == (0, 0, 0)
    with all_providers():
        assert (Contract.objects.count(), Deliverable.objects.count(), GmvRecord.objects.count()) == (50, 120, 300)
        assert GmvRecord.objects.filter(kind="refund").count() == 9
