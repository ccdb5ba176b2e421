# ruff: noqa: F811  (the `world` fixture is imported from lifecycle_setup)
"""Clean exits (SPEC §5): the provider drops a draft or withdraws a proposal; the merchant's 7-day
cooling-off cancellation of full operation; notice of termination (30 days, or earlier when the other side
agrees); whether the merchant's lead returns to the pool; the upgrade of specialized work."""

from datetime import timedelta

import pytest
from django.utils import timezone

from contracts.choices import ContractEventKind, ContractOrigin, ContractStatus, Side
from contracts.services.contracts import (
    contract_agree_notice,
    contract_cancel,
    contract_give_notice,
    contract_propose,
    contract_set_return_to_pool,
    contract_sign,
    contract_upgrade,
    contracts_end_due,
)
from linke.errors import ApplicationError, InvalidTransition, PermissionDeniedError
from linke.models import AuditEvent, DomainEvent, Notification
from merchants.models import Lead
from merchants.selectors.leads import pool_leads
from providers.choices import Role

from ..factories import LeadFactory
from ..factories.contracts import make_contract
from .lifecycle_setup import (  # noqa: F401
    FULL,
    SPECIALIZED,
    as_member,
    as_merchant,
    draft,
    fetch,
    full_terms,
    holdings,
    proposed,
    signed,
    specialized_terms,
    timeline,
    today,
    world,
)

pytestmark = pytest.mark.django_db


def sign_at(world, contract, moment, monkeypatch):
    """Sign `contract` as if at `moment` (the signature's time is frozen afterwards: it cannot be
    backdated later)."""
    with monkeypatch.context() as patch:
        patch.setattr(timezone, "now", lambda: moment)
        return contract_sign(actor=as_merchant(world.merchant), contract=contract, version=1, confirm_fees=True)


# --- The provider withdraws -------------------------------------------------------------------------


def test_the_provider_drops_a_draft_quietly_and_withdraws_a_proposal_with_a_reason(world):
    dropped = contract_cancel(actor=as_member(world.bd), contract=draft(world))
    assert (dropped.status, dropped.ended_by) == (ContractStatus.CANCELLED, Side.PROVIDER)
    assert not DomainEvent.objects.filter(type="contract.ended").exists()
    assert not Notification.objects.filter(recipient=world.merchant.owner, verb="contract.cancel").exists()

    contract = proposed(world)
    with pytest.raises(ApplicationError) as refused:
        contract_cancel(actor=as_member(world.bd), contract=contract)
    assert refused.value.code == "reason_required"
    contract_cancel(actor=as_member(world.bd), contract=contract, reason="档期冲突")
    row = fetch(contract)
    assert (row.status, row.reason, row.ended_by) == (ContractStatus.CANCELLED, "档期冲突", Side.PROVIDER)
    assert timeline(row)[-1] == (ContractEventKind.CANCELLED, Side.PROVIDER)
    assert DomainEvent.objects.get(type="contract.ended").payload["status"] == "cancelled"
    assert Notification.objects.filter(recipient=world.merchant.owner, verb="contract.cancel").count() == 1


def test_the_provider_cannot_cancel_a_signed_contract(world):
    contract = signed(world, kind=FULL)
    with pytest.raises(InvalidTransition) as refused:
        contract_cancel(actor=as_member(world.owner), contract=contract, reason="不做了")
    assert refused.value.code == "give_notice"
    assert fetch(contract).status == ContractStatus.SIGNED


# --- Cooling-off ------------------------------------------------------------------------------------


def test_the_merchant_cancels_full_operation_within_seven_days_at_no_cost(world, monkeypatch):
    contract = proposed(world, kind=FULL)
    sign_at(world, contract, timezone.now() - timedelta(days=6, hours=23), monkeypatch)
    assert holdings(contract)[0][3] is True
    contract_cancel(actor=as_merchant(world.merchant), contract=contract, reason="想再考虑一下")
    row = fetch(contract)
    assert (row.status, row.ended_by, row.reason) == (ContractStatus.CANCELLED, Side.MERCHANT, "想再考虑一下")
    assert holdings(row)[0][3] is False  # the store is free at once
    assert timeline(row)[-1] == (ContractEventKind.CANCELLED, Side.MERCHANT)
    assert Notification.objects.filter(recipient=world.owner.user, verb="contract.cancel").count() == 1
    # another full-operation contract for the same dates can now be signed
    again = proposed(world, kind=FULL, terms=full_terms(title="重新签约"))
    contract_sign(actor=as_merchant(world.merchant), contract=again, version=1, confirm_fees=True)
    assert holdings(again)[0][3] is True


def test_after_seven_days_the_merchant_must_give_notice(world, monkeypatch):
    contract = proposed(world, kind=FULL)
    sign_at(world, contract, timezone.now() - timedelta(days=7, minutes=1), monkeypatch)
    with pytest.raises(InvalidTransition) as refused:
        contract_cancel(actor=as_merchant(world.merchant), contract=contract, reason="不想做了")
    assert refused.value.code == "cooling_off_over"
    assert "give notice" in str(refused.value.message) or "通知" in str(refused.value.message)
    row = fetch(contract)
    assert (row.status, holdings(row)[0][3]) == (ContractStatus.SIGNED, True)


def test_specialized_work_has_no_cooling_off(world):
    contract = signed(world)
    with pytest.raises(InvalidTransition) as refused:
        contract_cancel(actor=as_merchant(world.merchant), contract=contract, reason="不想做了")
    assert refused.value.code == "cooling_off_over"


def test_the_merchant_rejects_rather_than_cancels_a_proposal(world):
    contract = proposed(world)
    with pytest.raises(InvalidTransition) as refused:
        contract_cancel(actor=as_merchant(world.merchant), contract=contract, reason="不要")
    assert refused.value.code == "reject_instead"


# --- Notice of termination --------------------------------------------------------------------------


def active_full(world, *, start=None, end=None):
    """An active full-operation contract for the world's store (written directly)."""
    start = start or today() - timedelta(days=60)
    return make_contract(
        world.provider,
        world.merchant,
        stores=[world.store],
        kind=FULL,
        status=ContractStatus.ACTIVE,
        start=start,
        end=end or start + timedelta(days=364),
    )


def test_thirty_days_notice_takes_effect_at_once(world):
    contract = active_full(world)
    end = today() + timedelta(days=30)
    contract_give_notice(actor=as_member(world.admin), contract=contract, end_date=end, reason="双方合作方向调整")
    row = fetch(contract)
    assert (row.end_date, row.notice_end_date, row.notice_by, row.notice_reason) == (
        end,
        end,
        Side.PROVIDER,
        "双方合作方向调整",
    )
    assert holdings(row) == [(world.store.pk, row.start_date, end + timedelta(days=1), True)]
    assert timeline(row)[-1] == (ContractEventKind.NOTICE_GIVEN, Side.PROVIDER)
    assert Notification.objects.filter(recipient=world.merchant.owner, verb="contract.notice").count() == 1
    audit = AuditEvent.objects.get(action="contract.notice")
    assert (audit.after["effective"], audit.reason) == (True, "双方合作方向调整")
    # the store is free after the end date: a new full-operation contract may start the next day
    follow_up = proposed(world, kind=FULL, terms=full_terms(start=end + timedelta(days=1)))
    contract_sign(actor=as_merchant(world.merchant), contract=follow_up, version=1, confirm_fees=True)
    # ... and when the day has passed the contract ends as terminated
    assert contracts_end_due(today=end + timedelta(days=1)) == 1
    row = fetch(contract)
    assert (row.status, row.ended_by, row.reason) == (ContractStatus.TERMINATED, Side.PROVIDER, "双方合作方向调整")
    assert holdings(row)[0][3] is False


def test_an_earlier_end_waits_for_the_other_sides_agreement(world):
    contract = active_full(world)
    original_end = contract.end_date
    end = today() + timedelta(days=10)
    contract_give_notice(actor=as_merchant(world.merchant), contract=contract, end_date=end, reason="门店装修停业")
    row = fetch(contract)
    assert (row.end_date, row.notice_end_date, row.notice_by) == (original_end, end, Side.MERCHANT)
    assert holdings(row)[0][2] == original_end + timedelta(days=1)  # still held for the whole term
    with pytest.raises(InvalidTransition) as refused:
        contract_agree_notice(actor=as_merchant(world.merchant), contract=contract)
    assert refused.value.code == "own_notice"
    with pytest.raises(PermissionDeniedError):  # a bd does not sign off for the provider
        contract_agree_notice(actor=as_member(world.bd), contract=contract)
    contract_agree_notice(actor=as_member(world.owner), contract=contract)
    row = fetch(contract)
    assert (row.end_date, row.notice_agreed_at is not None) == (end, True)
    assert holdings(row)[0][2] == end + timedelta(days=1)
    assert timeline(row)[-2:] == [
        (ContractEventKind.NOTICE_GIVEN, Side.MERCHANT),
        (ContractEventKind.NOTICE_AGREED, Side.PROVIDER),
    ]
    with pytest.raises(InvalidTransition) as refused:
        contract_agree_notice(actor=as_member(world.owner), contract=contract)
    assert refused.value.code == "no_pending_notice"


def test_a_contract_ended_early_by_notice_is_terminated_even_with_a_later_notice_pending(world):
    contract = signed(world, kind=FULL, terms=full_terms(start=today()))  # starts at once
    effective = today() + timedelta(days=40)
    contract_give_notice(actor=as_member(world.owner), contract=contract, end_date=effective, reason="调整")
    contract_give_notice(
        actor=as_merchant(world.merchant), contract=contract, end_date=today() + timedelta(days=5), reason="更早"
    )
    assert fetch(contract).end_date == effective  # the earlier date waits for the provider
    assert contracts_end_due(today=effective + timedelta(days=1)) == 1
    assert fetch(contract).status == ContractStatus.TERMINATED


@pytest.mark.parametrize(
    ("offset", "code"),
    [(-1, "end_in_past"), (400, "end_not_earlier")],
)
def test_a_notice_needs_an_end_date_from_today_before_the_current_end(world, offset, code):
    contract = active_full(world)
    with pytest.raises(ApplicationError) as refused:
        contract_give_notice(
            actor=as_member(world.owner), contract=contract, end_date=today() + timedelta(days=offset), reason="x"
        )
    assert refused.value.code == code
    assert fetch(contract).notice_at is None


def test_a_notice_needs_a_reason_and_a_signed_contract(world):
    contract = active_full(world)
    with pytest.raises(ApplicationError) as refused:
        contract_give_notice(actor=as_member(world.owner), contract=contract, end_date=today(), reason="")
    assert refused.value.code == "reason_required"
    with pytest.raises(InvalidTransition):
        contract_give_notice(
            actor=as_member(world.owner), contract=proposed(world), end_date=today() + timedelta(days=40), reason="x"
        )


def test_specialized_work_may_be_ended_with_notice_too(world):
    contract = make_contract(world.provider, world.merchant, stores=[world.store], start=today() - timedelta(days=5))
    contract_give_notice(actor=as_merchant(world.merchant), contract=contract, end_date=today(), reason="不需要了")
    contract_agree_notice(actor=as_member(world.admin), contract=contract)
    assert fetch(contract).end_date == today()
    assert contracts_end_due(today=today() + timedelta(days=1)) == 1
    assert fetch(contract).status == ContractStatus.TERMINATED


# --- Back to the lead pool ----------------------------------------------------------------------------


def test_the_lead_returns_to_the_pool_only_if_the_merchant_agrees(world, categories, cities):
    lead = LeadFactory(merchant=world.merchant, city=cities[0], category=categories["hotpot"])
    contract = signed(world, terms=specialized_terms(start=today()))  # starts at once
    assert not pool_leads(world.provider).filter(pk=lead.pk).exists()
    end_day = fetch(contract).end_date + timedelta(days=1)

    # without consent it stays out after the end
    other = signed(world, terms=specialized_terms(start=today(), title="第二单"))
    contract_set_return_to_pool(actor=as_merchant(world.merchant), contract=contract, agree=True)
    assert AuditEvent.objects.get(action="contract.return_to_pool").after == {"return_to_pool": True}
    assert contracts_end_due(today=end_day) == 2  # both end: consent on one, and no contract binds any more
    assert Lead.objects.get(pk=lead.pk).withheld_at is None
    assert pool_leads(world.provider).filter(pk=lead.pk).exists()
    assert DomainEvent.objects.filter(type="contract.ended", payload__return_to_pool=True).count() == 1
    assert fetch(other).return_to_pool is False


def test_without_consent_the_lead_stays_out_until_the_merchant_agrees_later(world, categories, cities):
    lead = LeadFactory(merchant=world.merchant, city=cities[0], category=categories["hotpot"])
    contract = signed(world, terms=specialized_terms(start=today()))
    assert contracts_end_due(today=fetch(contract).end_date + timedelta(days=1)) == 1
    assert Lead.objects.get(pk=lead.pk).withheld_at is not None
    contract_set_return_to_pool(actor=as_merchant(world.merchant), contract=contract, agree=True)
    assert Lead.objects.get(pk=lead.pk).withheld_at is None


def test_a_lead_under_another_contract_stays_out(world, categories, cities):
    lead = LeadFactory(merchant=world.merchant, city=cities[0], category=categories["hotpot"])
    short_terms = specialized_terms(start=today(), days=10)
    short_terms["items"][0]["due_date"] = today() + timedelta(days=5)
    short = signed(world, terms=short_terms)
    signed(world, terms=specialized_terms(start=today(), days=60, title="长期"))
    contract_set_return_to_pool(actor=as_merchant(world.merchant), contract=short, agree=True)
    assert contracts_end_due(today=today() + timedelta(days=11)) == 1
    assert Lead.objects.get(pk=lead.pk).withheld_at is not None


def test_only_the_merchant_decides_the_return(world):
    contract = signed(world)
    with pytest.raises(PermissionDeniedError):
        contract_set_return_to_pool(actor=as_member(world.owner), contract=contract, agree=True)
    with pytest.raises(ApplicationError):
        contract_set_return_to_pool(actor=as_merchant(world.merchant), contract=contract, agree="yes")
    assert fetch(contract).return_to_pool is False


# --- Upgrade ------------------------------------------------------------------------------------------


def test_specialized_work_is_upgraded_to_a_full_operation_draft(world):
    old = signed(world, stores=[world.store, world.second_store])
    upgrade = contract_upgrade(actor=as_member(world.bd), contract=old, terms=full_terms())
    row = fetch(upgrade)
    assert (row.kind, row.status, row.origin, row.upgraded_from_id, row.merchant_id) == (
        FULL,
        ContractStatus.DRAFT,
        ContractOrigin.UPGRADE,
        old.pk,
        world.merchant.pk,
    )
    assert [store for store, *_rest in holdings(row)] == sorted([world.store.pk, world.second_store.pk])
    assert AuditEvent.objects.get(action="contract.upgrade").after == {"upgrade": row.pk}
    contract_propose(actor=as_member(world.bd), contract=upgrade)
    assert timeline(old)[-1] == (ContractEventKind.UPGRADED, Side.PROVIDER)


def test_full_operation_and_unsigned_work_cannot_be_upgraded(world, member):
    for contract in (signed(world, kind=FULL), proposed(world)):
        with pytest.raises(InvalidTransition) as refused:
            contract_upgrade(actor=as_member(world.bd), contract=contract, terms=full_terms())
        assert refused.value.code == "not_upgradable"
    with pytest.raises(PermissionDeniedError):
        contract_upgrade(actor=as_member(member(Role.OPERATOR)), contract=signed(world), terms=full_terms())


def test_an_upgrade_needs_the_certification_when_proposed(world, operator):
    from linke.actors import Actor
    from providers.services.standing import standing_remove_track

    old = signed(world)
    standing_remove_track(actor=Actor.operator(operator), provider=world.provider, track=world.tracks[0], reason="到期")
    upgrade = contract_upgrade(actor=as_member(world.bd), contract=old, terms=full_terms())
    with pytest.raises(Exception) as refused:
        contract_propose(actor=as_member(world.bd), contract=upgrade)
    assert refused.value.code == "certification_required"
    assert SPECIALIZED == fetch(old).kind
