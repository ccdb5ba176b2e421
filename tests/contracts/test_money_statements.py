"""Statements (结算单): the arithmetic in Decimal against literal amounts (a pro-rata month, half-fen cases),
the monthly set-based run and the on-demand issue, the merchant's confirm and dispute, the provider's
reissue and payment, the transition table, roles, notifications, and the final statement of an ended
contract."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from contracts.choices import ContractKind, ContractStatus, StatementStatus
from contracts.models import ContractEvent, Statement
from contracts.services.contracts import contracts_end_due
from contracts.services.money import (
    statement_confirm,
    statement_dispute,
    statement_issue,
    statement_mark_paid,
    statements_issue_due,
)
from contracts.transitions import STATEMENT_TRANSITIONS
from linke.actors import Actor
from linke.errors import ApplicationError, ConflictError, InvalidTransition, PermissionDeniedError
from linke.models import AuditEvent, DomainEvent, Notification
from linke.tenancy import all_providers
from merchants.tenancy import merchant_scope
from providers.choices import Role
from providers.tenancy import provider_scope

from ..factories import MerchantFactory
from ..factories.contracts import make_contract
from ..tenancy.cases.money import full_contract, local, make_gmv, make_statement, make_store
from . import money_setup
from .money_setup import END, START

pytestmark = pytest.mark.django_db

# The fixtures of money_setup used here (assigned, not imported: a parameter of the same name is no redefinition).
contract, owner, owner_actor, store = (
    money_setup.contract,
    money_setup.owner,
    money_setup.owner_actor,
    money_setup.store,
)

FIGURES = ["days_covered", "fixed_fee", "gmv", "refunds", "commission_bp", "commission", "total", "is_final"]


def figures(statement) -> dict:
    return {name: getattr(statement, name) for name in FIGURES}


def issue(of, month, actor=None):
    """Issue `of`'s statement for `month` as the portal does, inside the provider's scope."""
    with provider_scope(of.provider_id):
        return statement_issue(contract=of, month=month, actor=actor)


@pytest.fixture
def january(provider, merchant):
    """¥5,000 a month and 5 % from 2026-01-15 to 2026-07-13 (expired), with January's and February's GMV."""
    shop = make_store(merchant)
    contract = full_contract(
        provider, merchant, stores=[shop], start=date(2026, 1, 15), end=date(2026, 7, 13), status=ContractStatus.EXPIRED
    )
    sale = make_gmv(shop, amount="1234.56", ordered_at=local(date(2026, 1, 15), 10), contract=contract)
    make_gmv(shop, amount="100.00", ordered_at=local(date(2026, 1, 31), 23, 59), contract=contract)
    make_gmv(shop, amount="-34.56", ordered_at=local(date(2026, 1, 20)), contract=contract, refund_of=sale)
    make_gmv(shop, amount="99.00", ordered_at=local(date(2026, 1, 14)))  # before the start: nobody's
    make_gmv(shop, amount="12.50", ordered_at=local(date(2026, 2, 1), 0, 0), contract=contract)
    contract.shop = shop
    return contract


# --- arithmetic ------------------------------------------------------------------------------------


def test_a_pro_rata_month_in_decimal(january):
    statement = issue(january, date(2026, 1, 1))
    # Fixed fee 5,000.00 × 17 ÷ 31 = 2,741.935… → 2,741.94; commission (1,334.56 − 34.56) × 5 % = 65.00.
    assert figures(statement) == {
        "days_covered": 17,
        "fixed_fee": Decimal("2741.94"),
        "gmv": Decimal("1334.56"),
        "refunds": Decimal("34.56"),
        "commission_bp": 500,
        "commission": Decimal("65.00"),
        "total": Decimal("2806.94"),
        "is_final": False,
    }
    assert (statement.status, statement.period) == (StatementStatus.ISSUED, date(2026, 1, 1))


def test_half_a_fen_of_commission_rounds_up(january):
    # 12.50 × 5 % = 0.625: half up gives 0.63 (banker's rounding would give 0.62).
    statement = issue(january, date(2026, 2, 1))
    assert (statement.days_covered, statement.fixed_fee, statement.gmv, statement.commission, statement.total) == (
        28,
        Decimal("5000.00"),
        Decimal("12.50"),
        Decimal("0.63"),
        Decimal("5000.63"),
    )


def test_half_a_fen_of_a_pro_rata_fee_rounds_up(provider, merchant):
    contract = full_contract(
        provider,
        merchant,
        start=date(2026, 4, 16),
        end=date(2026, 10, 12),
        monthly_fee=Decimal("100.05"),
        commission_bp=None,
    )
    # 100.05 × 15 ÷ 30 = 50.025 → 50.03; no commission.
    statement = issue(contract, date(2026, 4, 1))
    assert (statement.days_covered, statement.fixed_fee, statement.commission, statement.total) == (
        15,
        Decimal("50.03"),
        Decimal("0.00"),
        Decimal("50.03"),
    )


def test_a_refund_counts_in_its_own_month(january, merchant):
    shop = january.shop
    order = make_gmv(shop, amount="300.00", ordered_at=local(date(2026, 2, 10)), contract=january)
    make_gmv(shop, amount="-300.00", ordered_at=local(date(2026, 3, 2)), contract=january, refund_of=order)
    march = issue(january, date(2026, 3, 1))
    assert (march.gmv, march.refunds, march.commission, march.total) == (
        Decimal("0.00"),
        Decimal("300.00"),
        Decimal("-15.00"),
        Decimal("4985.00"),
    )


# --- the monthly run ---------------------------------------------------------------------------------


def test_the_monthly_run_issues_each_due_statement_once(
    january, contract, provider, merchant, django_capture_on_commit_callbacks
):
    specialized = make_contract(provider, merchant, stores=[make_store(merchant)], kind=ContractKind.SPECIALIZED)
    with django_capture_on_commit_callbacks(execute=True):
        assert statements_issue_due(month=date(2026, 6, 1), today=date(2026, 7, 1)) == 2
    assert statements_issue_due(month=date(2026, 6, 1), today=date(2026, 7, 1)) == 0
    with all_providers():
        issued = {s.contract_id: figures(s) for s in Statement.objects.all()}
        events = list(ContractEvent.objects.filter(kind="statement_issued").values_list("contract_id", "note", "side"))
        notified = sorted(Notification.objects.filter(verb="statement.issue").values_list("recipient_id", flat=True))
    assert specialized.pk not in issued
    # January's contract: June in full (5,000.00, no GMV); the fixture's: June 1–30 too.
    assert issued == {
        january.pk: {
            "days_covered": 30,
            "fixed_fee": Decimal("5000.00"),
            "gmv": Decimal("0.00"),
            "refunds": Decimal("0.00"),
            "commission_bp": 500,
            "commission": Decimal("0.00"),
            "total": Decimal("5000.00"),
            "is_final": False,
        },
        contract.pk: {
            "days_covered": 30,
            "fixed_fee": Decimal("5000.00"),
            "gmv": Decimal("0.00"),
            "refunds": Decimal("0.00"),
            "commission_bp": 500,
            "commission": Decimal("0.00"),
            "total": Decimal("5000.00"),
            "is_final": False,
        },
    }
    assert sorted(events) == sorted(
        [(january.pk, "2026-06 · ¥5,000.00", "platform"), (contract.pk, "2026-06 · ¥5,000.00", "platform")]
    )
    assert DomainEvent.objects.filter(type="statement.issued").count() == 2
    assert notified == [merchant.owner_id, merchant.owner_id]


def test_the_monthly_run_computes_as_the_on_demand_issue(january):
    statements_issue_due(month=date(2026, 1, 1), today=date(2026, 2, 1))
    with all_providers():
        batch = figures(Statement.objects.get(contract=january, period=date(2026, 1, 1)))
        Statement.objects.all().delete()
    assert batch == figures(issue(january, date(2026, 1, 1)))


def test_the_final_month_of_an_ended_contract_is_final_in_the_monthly_run(january):
    statements_issue_due(month=date(2026, 7, 1), today=date(2026, 8, 1))
    with all_providers():
        july = Statement.objects.get(contract=january)
    assert (july.days_covered, july.fixed_fee, july.is_final) == (13, Decimal("2096.77"), True)


def test_the_monthly_run_does_nothing_for_a_month_not_over(contract):
    assert statements_issue_due(month=date(2026, 12, 1), today=date(2026, 12, 15)) == 0
    with all_providers():
        assert Statement.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_monthly_runs_issue_each_statement_once(provider):
    merchants = [MerchantFactory() for _ in range(3)]
    for merchant in merchants:
        full_contract(provider, merchant, start=START, end=END)
    barrier, counts = threading.Barrier(2), []

    def run():
        try:
            barrier.wait(timeout=10)
            counts.append(statements_issue_due(month=date(2026, 7, 1), today=date(2026, 8, 1)))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sum(counts) == 3
    with all_providers():
        assert Statement.objects.count() == 3
    assert DomainEvent.objects.filter(type="statement.issued").count() == 3


# --- on demand, reissue --------------------------------------------------------------------------------


def test_the_owner_issues_a_missed_month_once(contract, owner_actor):
    statement = issue(contract, date(2026, 7, 15), owner_actor)
    assert (statement.period, statement.total) == (date(2026, 7, 1), Decimal("5000.00"))
    with pytest.raises(ConflictError) as again:
        issue(contract, date(2026, 7, 1), owner_actor)
    assert again.value.code == "statement_exists"
    audit = AuditEvent.objects.get(action="statement.issue")
    assert (audit.actor_id, audit.after["total"]) == (owner_actor.user.pk, "5000.00")


@pytest.mark.parametrize("month", [date(2026, 5, 1), date(2026, 12, 1)])
def test_a_month_outside_the_contract_cannot_be_issued(contract, owner_actor, month):
    with pytest.raises(ApplicationError) as refused:
        issue(contract, month, owner_actor)
    assert refused.value.code == "statement_not_covered"


def test_a_month_not_over_cannot_be_issued(provider, merchant, owner_actor):
    running = full_contract(provider, merchant, start=date(2026, 11, 1), end=date(2027, 4, 29))
    with pytest.raises(ApplicationError) as refused:
        issue(running, date(2026, 12, 1), owner_actor)
    assert refused.value.code == "statement_not_due"
    assert issue(running, date(2026, 11, 1), owner_actor).days_covered == 30


@pytest.mark.parametrize("role", [Role.BD, Role.OPERATOR, Role.VIEWER])
def test_only_the_owner_and_admins_issue_statements(contract, member, role):
    with pytest.raises(PermissionDeniedError):
        issue(contract, date(2026, 7, 1), Actor.member(member(role)))
    issue(contract, date(2026, 7, 1), Actor.member(member(Role.ADMIN)))


def test_a_disputed_statement_is_reissued_recomputed(
    contract, store, owner_actor, merchant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        statement = issue(contract, date(2026, 7, 1), owner_actor)
    with merchant_scope(merchant):
        statement_dispute(
            actor=Actor.for_merchant(merchant, user=merchant.owner), statement=statement, reason="七月订单漏算"
        )
    make_gmv(store, amount="2000.00", ordered_at=local(date(2026, 7, 8)), contract=contract)
    with django_capture_on_commit_callbacks(execute=True):
        reissued = issue(contract, date(2026, 7, 1), owner_actor)
    assert (reissued.pk, reissued.status, reissued.gmv, reissued.commission, reissued.total) == (
        statement.pk,
        StatementStatus.ISSUED,
        Decimal("2000.00"),
        Decimal("100.00"),
        Decimal("5100.00"),
    )
    assert reissued.dispute_reason == "七月订单漏算"  # kept: the page says it was reissued after the dispute
    event = DomainEvent.objects.filter(type="statement.issued").latest("pk")
    assert (event.payload["reissued"], event.payload["total"]) == (True, "5100.00")
    assert Notification.objects.filter(recipient=merchant.owner, verb="statement.issue").count() == 2


# --- the merchant's answer and the payment ---------------------------------------------------------


def merchant_actor(merchant):
    return Actor.for_merchant(merchant, user=merchant.owner)


def test_confirm_then_mark_paid_tells_the_other_side(contract, owner, merchant, django_capture_on_commit_callbacks):
    statement = make_statement(contract, period=date(2026, 6, 1), total=Decimal("5065.00"))
    with merchant_scope(merchant):
        confirmed = statement_confirm(actor=merchant_actor(merchant), statement=statement)
    assert (confirmed.status, confirmed.confirmed_at is not None) == (StatementStatus.CONFIRMED, True)
    with provider_scope(contract.provider_id):
        paid = statement_mark_paid(actor=Actor.member(owner), statement=confirmed)
    assert paid.status == StatementStatus.PAID
    assert [n.recipient_id for n in Notification.objects.filter(verb="statement.confirm")] == [owner.user_id]
    assert [n.recipient_id for n in Notification.objects.filter(verb="statement.pay")] == [merchant.owner_id]
    with all_providers():
        timeline = list(ContractEvent.objects.filter(contract=contract).values_list("kind", "side", "note"))
    assert timeline == [
        ("statement_confirmed", "merchant", "2026-06 · ¥5,065.00"),
        ("statement_paid", "provider", "2026-06 · ¥5,065.00"),
    ]
    assert list(
        DomainEvent.objects.filter(type__startswith="statement.").order_by("pk").values_list("type", flat=True)
    ) == [
        "statement.confirmed",
        "statement.paid",
    ]


def test_a_dispute_needs_a_reason(contract, merchant):
    statement = make_statement(contract)
    with merchant_scope(merchant), pytest.raises(ApplicationError) as refused:
        statement_dispute(actor=merchant_actor(merchant), statement=statement, reason="  ")
    assert refused.value.code == "reason_required"
    statement.refresh_from_db()
    assert statement.status == StatementStatus.ISSUED


def test_only_the_contracts_merchant_confirms_or_disputes(contract, owner, other_merchant):
    statement = make_statement(contract)
    for actor in (Actor.member(owner), merchant_actor(other_merchant)):
        with pytest.raises(PermissionDeniedError):
            statement_confirm(actor=actor, statement=statement)
        with pytest.raises(PermissionDeniedError):
            statement_dispute(actor=actor, statement=statement, reason="不对")
    statement.refresh_from_db()
    assert statement.status == StatementStatus.ISSUED


@pytest.mark.parametrize("role", [Role.BD, Role.OPERATOR, Role.VIEWER])
def test_only_the_owner_and_admins_mark_paid(contract, member, merchant, role):
    statement = make_statement(contract, status=StatementStatus.CONFIRMED)
    for actor in (Actor.member(member(role)), merchant_actor(merchant)):
        with provider_scope(contract.provider_id), pytest.raises(PermissionDeniedError):
            statement_mark_paid(actor=actor, statement=statement)
    statement.refresh_from_db()
    assert statement.status == StatementStatus.CONFIRMED


# The literal table (not the one under test): from → the statuses it may move to.
EXPECTED = {
    "issued": {"confirmed", "disputed"},
    "disputed": {"issued"},
    "confirmed": {"paid"},
    "paid": set(),
}


def test_the_statement_transition_table():
    assert {str(k): {str(v) for v in vs} for k, vs in STATEMENT_TRANSITIONS.items()} == EXPECTED


@pytest.mark.parametrize("origin", list(EXPECTED))
@pytest.mark.parametrize("target", list(EXPECTED))
def test_every_move_is_allowed_or_refused_as_the_table_says(origin, target, contract, owner, merchant):
    statement = make_statement(contract, period=date(2026, 6, 1), status=origin)
    moves = {
        "confirmed": lambda: statement_confirm(actor=merchant_actor(merchant), statement=statement),
        "disputed": lambda: statement_dispute(actor=merchant_actor(merchant), statement=statement, reason="有误"),
        "paid": lambda: statement_mark_paid(actor=Actor.member(owner), statement=statement),
        "issued": lambda: statement_issue(contract=contract, month=statement.period, actor=Actor.member(owner)),
    }
    scope = merchant_scope(merchant) if target in ("confirmed", "disputed") else provider_scope(contract.provider_id)
    with scope:
        if target in EXPECTED[origin]:
            assert moves[target]().status == target
        else:
            with pytest.raises((InvalidTransition, ConflictError)):
                moves[target]()
    statement.refresh_from_db()
    assert statement.status == (target if target in EXPECTED[origin] else origin)


# --- the final statement ---------------------------------------------------------------------------


def test_ending_a_contract_issues_its_final_statement_pro_rata(contract, merchant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert contracts_end_due(today=date(2026, 12, 1)) == 1
    with all_providers():
        final = Statement.objects.get(contract=contract)
    # November 1–27 of 30 days: 5,000.00 × 27 ÷ 30 = 4,500.00.
    assert (final.period, final.days_covered, final.fixed_fee, final.total, final.is_final) == (
        date(2026, 11, 1),
        27,
        Decimal("4500.00"),
        Decimal("4500.00"),
        True,
    )
    assert Notification.objects.filter(recipient=merchant.owner, verb="statement.issue").count() == 1


def test_a_month_issued_before_the_end_is_only_marked_final(provider, merchant, django_capture_on_commit_callbacks):
    contract = full_contract(provider, merchant, start=date(2026, 6, 1), end=date(2026, 11, 30))
    statements_issue_due(month=date(2026, 11, 1), today=date(2026, 12, 1))
    with django_capture_on_commit_callbacks(execute=True):
        contracts_end_due(today=date(2026, 12, 1))
    with all_providers():
        assert list(Statement.objects.filter(contract=contract).values_list("period", "is_final", "total")) == [
            (date(2026, 11, 1), True, Decimal("5000.00"))
        ]


def test_a_specialized_contract_ends_without_a_statement(provider, merchant, django_capture_on_commit_callbacks):
    make_contract(provider, merchant, stores=[make_store(merchant)], start=date(2026, 10, 1), end=date(2026, 10, 30))
    with django_capture_on_commit_callbacks(execute=True):
        contracts_end_due(today=date(2026, 12, 1))
    with all_providers():
        assert Statement.objects.count() == 0
