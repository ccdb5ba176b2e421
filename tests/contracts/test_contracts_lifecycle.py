# ruff: noqa: F811  (the `world` fixture is imported from lifecycle_setup)
"""Drafting, proposing, revising, signing and rejecting a contract through the services: who may, what
each step writes (timeline, audit, events, notifications), the version check, the fee confirmation, the
standing and certification gates, the request answered, the held lead extended and converted, the signed
terms frozen by the database."""

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.db.utils import DatabaseError

from contracts.choices import ContractEventKind, ContractOrigin, ContractStatus, DeliverableStatus, Side
from contracts.models import Contract, ServiceItem
from contracts.services.contracts import (
    contract_draft,
    contract_propose,
    contract_reject,
    contract_revise,
    contract_sign,
    contract_update_draft,
    terms_fingerprint,
)
from linke.actors import Actor
from linke.errors import ApplicationError, ConflictError, InvalidTransition, PermissionDeniedError
from linke.models import AuditEvent, DomainEvent, Notification
from linke.tenancy import all_providers
from merchants.choices import ClaimStatus, RequestStatus
from merchants.models import AccountAssignment, CooperationRequest, Lead, LeadClaim
from merchants.selectors.leads import pool_leads
from merchants.services.leads import lead_claim
from providers.choices import Role
from providers.services.status import provider_suspend
from providers.tenancy import provider_scope

from ..factories import LeadFactory, MerchantFactory, StoreFactory
from .lifecycle_setup import (  # noqa: F401
    FULL,
    SPECIALIZED,
    as_member,
    as_merchant,
    deliverables_of,
    draft,
    fetch,
    full_terms,
    holdings,
    proposed,
    send_request,
    serve,
    signed,
    specialized_terms,
    timeline,
    today,
    world,
)

pytestmark = pytest.mark.django_db


# --- Drafting ---------------------------------------------------------------------------------------


def test_a_bd_drafts_a_specialized_contract_from_the_merchants_request(world):
    contract = draft(world, request=world.request)
    row = fetch(contract)
    assert (row.status, row.kind, row.origin, row.version) == (
        ContractStatus.DRAFT,
        SPECIALIZED,
        ContractOrigin.REQUEST,
        1,
    )
    assert (row.request_id, row.created_by_id, row.total_price) == (
        world.request.pk,
        world.bd.user_id,
        Decimal("2400.00"),
    )
    start = today() + timedelta(days=1)
    assert holdings(row) == [(world.store.pk, start, start + timedelta(days=30), False)]
    with all_providers():
        assert list(row.items.values_list("title", "unit_price", "quantity", "due_date")) == [
            ("探店短视频", Decimal("800.00"), 3, start + timedelta(days=14))
        ]
    assert timeline(row) == [(ContractEventKind.DRAFTED, Side.PROVIDER)]
    audit = AuditEvent.objects.get(action="contract.draft")
    assert (audit.object_id, audit.after["origin"], audit.after["total_price"]) == (str(row.pk), "request", "2400.00")
    assert not DomainEvent.objects.filter(type__startswith="contract.").exists()  # nothing sent yet
    assert not Notification.objects.filter(recipient=world.merchant.owner, verb__startswith="contract").exists()


def test_a_full_operation_draft_keeps_its_fees_and_standards_and_no_items(world):
    contract = draft(world, kind=FULL, terms=full_terms() | {"items": [{"title": "ignored"}]})
    row = fetch(contract)
    assert (row.monthly_fee, row.commission_bp, row.total_price, row.origin) == (
        Decimal("5000.00"),
        500,
        Decimal("0.00"),
        ContractOrigin.SCRATCH,  # the request was not named: a merchant that asked, from scratch
    )
    with all_providers():
        assert list(row.standards.values_list("kind", "target")) == [
            ("monthly_gmv", Decimal("100000.00")),
            ("short_videos", Decimal("4.00")),
        ]
        assert row.items.count() == 0


def test_a_draft_for_a_held_lead_links_the_claim(world, categories, cities):
    stranger = MerchantFactory(name="陌生火锅店")
    shop = StoreFactory(merchant=stranger, city=cities[0], category=categories["hotpot"])
    lead = LeadFactory(merchant=stranger, city=cities[0], category=categories["hotpot"])
    with provider_scope(world.provider):
        claim = lead_claim(actor=as_member(world.bd), lead=lead)
    contract = contract_draft(
        actor=as_member(world.bd), merchant=stranger, stores=[shop], kind=SPECIALIZED, terms=specialized_terms()
    )
    row = fetch(contract)
    assert (row.origin, row.lead_claim_id) == (ContractOrigin.LEAD, claim.pk)


def test_a_merchant_the_provider_does_not_work_with_cannot_be_proposed_to(world, categories, cities):
    stranger = MerchantFactory(name="陌生火锅店")
    shop = StoreFactory(merchant=stranger, city=cities[0], category=categories["hotpot"])
    with pytest.raises(ConflictError) as refused:
        contract_draft(
            actor=as_member(world.bd), merchant=stranger, stores=[shop], kind=SPECIALIZED, terms=specialized_terms()
        )
    assert refused.value.code == "merchant_not_available"
    with all_providers():
        assert Contract.objects.count() == 0


def test_stores_must_be_the_merchants(world, categories, cities):
    other = StoreFactory(merchant=MerchantFactory(), city=cities[0], category=categories["hotpot"])
    with pytest.raises(ApplicationError) as refused:
        draft(world, stores=[world.store, other])
    assert (refused.value.code, refused.value.details) == ("store_not_merchants", {"field": "stores"})
    with pytest.raises(ApplicationError) as refused:
        draft(world, stores=[10**20])
    assert refused.value.code == "store_not_merchants"


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.VIEWER])
def test_only_bd_and_above_draft(world, member, role):
    with pytest.raises(PermissionDeniedError):
        draft(world, by=member(role))


def test_the_merchant_cannot_draft(world):
    with pytest.raises(PermissionDeniedError):
        contract_draft(
            actor=as_merchant(world.merchant),
            merchant=world.merchant,
            stores=[world.store],
            kind=SPECIALIZED,
            terms=specialized_terms(),
        )


def test_a_kind_the_provider_does_not_offer_is_refused(world):
    world.provider.cooperation_modes = [SPECIALIZED]
    world.provider.save(update_fields=["cooperation_modes"])
    with pytest.raises(ApplicationError) as refused:
        draft(world, kind=FULL)
    assert refused.value.code == "mode_not_offered"


def test_a_draft_is_edited_in_place_until_proposed(world):
    contract = draft(world)
    changed = specialized_terms(title="探店短视频（加量）") | {
        "items": [specialized_terms()["items"][0] | {"quantity": 5, "unit_price": "1000"}]
    }
    contract_update_draft(actor=as_member(world.bd), contract=contract, terms=changed, stores=[world.second_store])
    row = fetch(contract)
    assert (row.title, row.total_price, row.version) == ("探店短视频（加量）", Decimal("5000.00"), 1)
    assert [store for store, *_rest in holdings(row)] == [world.second_store.pk]
    with all_providers():
        assert list(row.items.values_list("quantity", flat=True)) == [5]
    audit = AuditEvent.objects.get(action="contract.update_draft")
    assert (audit.before["total_price"], audit.after["total_price"]) == ("2400.00", "5000.00")
    contract_propose(actor=as_member(world.bd), contract=contract)
    with pytest.raises(InvalidTransition) as refused:
        contract_update_draft(actor=as_member(world.bd), contract=contract, terms=changed)
    assert refused.value.code == "not_a_draft"


# --- Proposing ----------------------------------------------------------------------------------------


def test_proposing_answers_the_request_and_tells_the_merchant(world):
    contract = proposed(world, request=world.request)
    row = fetch(contract)
    assert (row.status, row.proposed_at is not None) == (ContractStatus.PROPOSED, True)
    assert timeline(row) == [(ContractEventKind.DRAFTED, Side.PROVIDER), (ContractEventKind.PROPOSED, Side.PROVIDER)]
    with all_providers():
        request = CooperationRequest.objects.get(pk=world.request.pk)
    assert (request.status, request.answered_by_id) == (RequestStatus.PROPOSED, world.bd.pk)
    answered = DomainEvent.objects.get(type="request.answered")
    assert answered.payload == {
        "request_id": world.request.pk,
        "merchant_id": world.merchant.pk,
        "answer": "proposal",
        "reason": "",
    }
    event = DomainEvent.objects.get(type="contract.proposed")
    assert event.payload == {
        "contract_id": row.pk,
        "merchant_id": world.merchant.pk,
        "kind": SPECIALIZED,
        "version": 1,
        "store_ids": [world.store.pk],
    }
    assert event.provider_id == world.provider.pk
    notice = Notification.objects.get(recipient=world.merchant.owner, verb="contract.propose")
    assert notice.url == f"/merchant/contracts/{row.pk}/"
    assert (
        AuditEvent.objects.filter(action="request.answer_with_proposal", object_id=str(world.request.pk)).count() == 1
    )


def test_a_request_withdrawn_meanwhile_stays_withdrawn(world):
    from merchants.services.requests import request_withdraw
    from merchants.tenancy import merchant_scope

    contract = draft(world, request=world.request)
    with merchant_scope(world.merchant):
        request_withdraw(actor=as_merchant(world.merchant), request=world.request)
    contract_propose(actor=as_member(world.bd), contract=contract)
    with all_providers():
        assert CooperationRequest.objects.get(pk=world.request.pk).status == RequestStatus.WITHDRAWN
    assert fetch(contract).status == ContractStatus.PROPOSED
    assert not DomainEvent.objects.filter(type="request.answered").exists()


def test_proposing_extends_the_held_lead_once_and_names_an_account_owner(world, categories, cities):
    stranger = MerchantFactory(name="陌生火锅店")
    shop = StoreFactory(merchant=stranger, city=cities[0], category=categories["hotpot"])
    lead = LeadFactory(merchant=stranger, city=cities[0], category=categories["hotpot"])
    with provider_scope(world.provider):
        claim = lead_claim(actor=as_member(world.bd), lead=lead)
    expires = claim.expires_at
    for _ in range(2):  # a second proposal does not extend again
        contract = contract_draft(
            actor=as_member(world.bd), merchant=stranger, stores=[shop], kind=SPECIALIZED, terms=specialized_terms()
        )
        contract_propose(actor=as_member(world.bd), contract=contract)
    with provider_scope(world.provider):
        claim.refresh_from_db()
        assert (claim.expires_at - expires, claim.extension_reason) == (timedelta(days=15), "proposal")
        assert AccountAssignment.objects.get(lead=lead, ended_at__isnull=True).member_id == world.bd.pk
    assert DomainEvent.objects.filter(type="lead.extended").count() == 1


def test_a_suspended_provider_cannot_propose(world, operator):
    contract = draft(world)
    provider_suspend(actor=Actor.operator(operator), provider=world.provider, reason="资质复核")
    with pytest.raises(ConflictError) as refused:
        contract_propose(actor=as_member(world.bd), contract=contract)
    assert refused.value.code == "provider_not_active"
    assert fetch(contract).status == ContractStatus.DRAFT


def test_a_draft_whose_start_date_passed_must_be_edited_before_proposing(world):
    contract = draft(world)
    with all_providers():
        Contract.objects.filter(pk=contract.pk).update(start_date=today() - timedelta(days=1))
    with pytest.raises(ApplicationError) as refused:
        contract_propose(actor=as_member(world.bd), contract=contract)
    assert refused.value.code == "start_in_past"
    assert fetch(contract).status == ContractStatus.DRAFT


def test_another_providers_member_cannot_touch_the_contract(world, other_provider, member):
    contract = draft(world)
    stranger = member(Role.OWNER, provider=other_provider)
    with pytest.raises(PermissionDeniedError):
        contract_propose(actor=as_member(stranger), contract=contract)
    assert fetch(contract).status == ContractStatus.DRAFT


# --- The certification gate ----------------------------------------------------------------------------


def test_full_operation_needs_the_track_certification_where_the_track_requires_it(world, operator):
    from providers.models import ProviderStanding
    from providers.services.standing import standing_grant_track, standing_remove_track

    dining = world.tracks[0]
    standing_remove_track(actor=Actor.operator(operator), provider=world.provider, track=dining, reason="证书过期")
    contract = draft(world, kind=FULL)
    with pytest.raises(ConflictError) as refused:
        contract_propose(actor=as_member(world.bd), contract=contract)
    assert (refused.value.code, refused.value.details) == ("certification_required", {"track": "dining"})
    assert "餐饮" in str(refused.value.message) or "Dining" in str(refused.value.message)
    assert fetch(contract).status == ContractStatus.DRAFT

    # specialized work needs no certification
    assert proposed(world).status == ContractStatus.PROPOSED

    # a track that does not require it lets full operation through
    type(dining).objects.filter(pk=dining.pk).update(full_operation_requires_certification=False)
    assert contract_propose(actor=as_member(world.bd), contract=contract).status == ContractStatus.PROPOSED

    # ... and signing checks again, with the flag back on
    type(dining).objects.filter(pk=dining.pk).update(full_operation_requires_certification=True)
    with pytest.raises(ConflictError) as refused:
        contract_sign(actor=as_merchant(world.merchant), contract=contract, version=1, confirm_fees=True)
    assert refused.value.code == "certification_required"
    assert fetch(contract).status == ContractStatus.PROPOSED

    standing_grant_track(actor=Actor.operator(operator), provider=world.provider, track=dining, reason="认证通过")
    assert list(ProviderStanding.objects.get(provider=world.provider).certified_tracks.all()) == [dining]
    signed_contract = contract_sign(actor=as_merchant(world.merchant), contract=contract, version=1, confirm_fees=True)
    assert signed_contract.status in (ContractStatus.SIGNED, ContractStatus.ACTIVE)
    actions = list(
        AuditEvent.objects.filter(action__startswith="standing.").order_by("pk").values_list("action", "reason")
    )
    assert actions == [("standing.remove_track", "证书过期"), ("standing.grant_track", "认证通过")]
    titles = list(
        Notification.objects.filter(recipient=world.owner.user, verb__startswith="standing.")
        .order_by("pk")
        .values_list("verb", flat=True)
    )
    assert titles == ["standing.remove_track", "standing.grant_track"]


def test_only_operators_grant_tracks(world):
    from providers.services.standing import standing_grant_track

    with pytest.raises(PermissionDeniedError):
        standing_grant_track(actor=as_member(world.owner), provider=world.provider, track=world.tracks[1], reason="x")


# --- Revising -------------------------------------------------------------------------------------------


def test_a_revision_is_a_new_version_and_a_signature_of_the_old_one_is_refused(world):
    contract = proposed(world)
    revised = contract_revise(
        actor=as_member(world.bd), contract=contract, terms=specialized_terms(title="探店短视频（修订）")
    )
    assert (revised.version, revised.title) == (2, "探店短视频（修订）")
    assert timeline(revised)[-1] == (ContractEventKind.REVISED, Side.PROVIDER)
    assert list(
        DomainEvent.objects.filter(type="contract.proposed").order_by("pk").values_list("payload__version", flat=True)
    ) == [
        1,
        2,
    ]
    with pytest.raises(ConflictError) as refused:
        contract_sign(actor=as_merchant(world.merchant), contract=contract, version=1)
    assert (refused.value.code, refused.value.details) == ("version_changed", {"version": 2})
    assert (fetch(contract).status, fetch(contract).signed_fingerprint) == (ContractStatus.PROPOSED, "")
    assert contract_sign(actor=as_merchant(world.merchant), contract=contract, version=2).version == 2


def test_only_a_proposal_is_revised(world):
    with pytest.raises(InvalidTransition) as refused:
        contract_revise(actor=as_member(world.bd), contract=draft(world), terms=specialized_terms())
    assert refused.value.code == "not_proposed"


# --- Signing --------------------------------------------------------------------------------------------


def test_signing_a_specialized_contract_freezes_the_terms_and_creates_the_deliverables(world):
    contract = proposed(world, request=world.request)
    result = contract_sign(actor=as_merchant(world.merchant), contract=contract, version="1")
    row = fetch(contract)
    assert result.status == row.status == ContractStatus.SIGNED  # starts tomorrow
    assert (row.signed_by_id, row.signed_at is not None) == (world.merchant.owner_id, True)
    start = today() + timedelta(days=1)
    assert row.signed_terms == {
        "contract": row.pk,
        "version": 1,
        "kind": "specialized",
        "title": "探店短视频专项",
        "scope": "拍摄并发布探店短视频",
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=29)).isoformat(),
        "monthly_fee": None,
        "commission_bp": None,
        "total_price": "2400.00",
        "provider": {"id": world.provider.pk, "name": "阿尔法服务商", "credit_code": world.provider.credit_code},
        "merchant": {"id": world.merchant.pk, "name": "演示餐饮有限公司", "credit_code": world.merchant.credit_code},
        "stores": [{"id": world.store.pk, "name": "老张火锅（五四路店）", "address": world.store.address}],
        "items": [
            {
                "area": "short_video",
                "level": "basic",
                "title": "探店短视频",
                "unit_price": "800.00",
                "quantity": 3,
                "due_date": (start + timedelta(days=14)).isoformat(),
            }
        ],
        "standards": [],
    }
    assert row.signed_fingerprint == terms_fingerprint(row.signed_terms)
    assert len(row.signed_fingerprint) == 64
    assert deliverables_of(row) == [
        ("探店短视频 1/3", 1, DeliverableStatus.PENDING),
        ("探店短视频 2/3", 2, DeliverableStatus.PENDING),
        ("探店短视频 3/3", 3, DeliverableStatus.PENDING),
    ]
    with all_providers():
        due = {d.due_at for d in row.deliverables.all()}
    assert due == {datetime.combine(start + timedelta(days=14), time(23, 59, 59), tzinfo=ZoneInfo("Asia/Shanghai"))}
    assert holdings(row)[0][3] is False  # specialized work never holds a store
    assert timeline(row)[-1] == (ContractEventKind.SIGNED, Side.MERCHANT)
    event = DomainEvent.objects.get(type="contract.signed")
    assert event.payload == {
        "contract_id": row.pk,
        "merchant_id": world.merchant.pk,
        "kind": "specialized",
        "fingerprint": row.signed_fingerprint,
        "store_ids": [world.store.pk],
    }
    assert not DomainEvent.objects.filter(type="contract.activated").exists()
    told = set(Notification.objects.filter(verb="contract.sign").values_list("recipient_id", flat=True))
    # owner and admin; the request made the owner the merchant's account owner
    assert told == {world.owner.user_id, world.admin.user_id}
    assert AuditEvent.objects.get(action="contract.sign").after["fingerprint"] == row.signed_fingerprint


def test_a_contract_signed_on_its_start_date_starts_at_once(world):
    contract = proposed(world, terms=specialized_terms(start=today()))
    row = contract_sign(actor=as_merchant(world.merchant), contract=contract, version=1)
    assert (row.status, row.activated_at is not None) == (ContractStatus.ACTIVE, True)
    assert [kind for kind, _side in timeline(row)][-2:] == [ContractEventKind.SIGNED, ContractEventKind.ACTIVATED]
    assert DomainEvent.objects.get(type="contract.activated").payload == {
        "contract_id": row.pk,
        "merchant_id": world.merchant.pk,
        "start_date": today().isoformat(),
    }


def test_full_operation_needs_the_fees_confirmed_and_then_holds_the_store(world):
    contract = proposed(world, kind=FULL)
    with pytest.raises(ApplicationError) as refused:
        contract_sign(actor=as_merchant(world.merchant), contract=contract, version=1)
    assert (refused.value.code, refused.value.details) == ("fees_not_confirmed", {"field": "confirm_fees"})
    assert fetch(contract).status == ContractStatus.PROPOSED
    contract_sign(actor=as_merchant(world.merchant), contract=contract, version=1, confirm_fees=True)
    start = today() + timedelta(days=1)
    assert holdings(contract) == [(world.store.pk, start, start + timedelta(days=180), True)]
    assert AuditEvent.objects.get(action="contract.sign").after["fees_confirmed"] is True


def test_a_suspended_provider_cannot_be_signed_with(world, operator):
    contract = proposed(world)
    provider_suspend(actor=Actor.operator(operator), provider=world.provider, reason="资质复核")
    with pytest.raises(ConflictError) as refused:
        contract_sign(actor=as_merchant(world.merchant), contract=contract, version=1)
    assert refused.value.code == "provider_not_active"
    row = fetch(contract)
    assert (row.status, row.signed_fingerprint, deliverables_of(row)) == (ContractStatus.PROPOSED, "", [])


def test_only_the_merchant_itself_signs(world, other_merchant):
    contract = proposed(world)
    for actor in (as_member(world.owner), as_merchant(other_merchant)):
        with pytest.raises(PermissionDeniedError):
            contract_sign(actor=actor, contract=contract, version=1)
    assert fetch(contract).status == ContractStatus.PROPOSED


def test_signing_converts_the_held_lead_and_takes_it_out_of_the_pool(world, categories, cities):
    stranger = MerchantFactory(name="陌生火锅店")
    shop = StoreFactory(merchant=stranger, city=cities[0], category=categories["hotpot"])
    lead = LeadFactory(merchant=stranger, city=cities[0], category=categories["hotpot"])
    with provider_scope(world.provider):
        claim = lead_claim(actor=as_member(world.bd), lead=lead)
    contract = contract_draft(
        actor=as_member(world.bd), merchant=stranger, stores=[shop], kind=SPECIALIZED, terms=specialized_terms()
    )
    contract_propose(actor=as_member(world.bd), contract=contract)
    contract_sign(actor=as_merchant(stranger), contract=contract, version=1)
    with all_providers():
        assert LeadClaim.objects.get(pk=claim.pk).status == ClaimStatus.CONVERTED
    assert Lead.objects.get(pk=lead.pk).withheld_at is not None
    assert not pool_leads(world.provider).filter(pk=lead.pk).exists()
    assert DomainEvent.objects.filter(type="lead.converted").count() == 1


def test_signing_twice_is_refused(world):
    contract = signed(world)
    with pytest.raises(InvalidTransition):
        contract_sign(actor=as_merchant(world.merchant), contract=contract, version=1)


# --- The frozen snapshot --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"signed_terms": {"title": "改过的"}},
        {"title": "改过的标题"},
        {"monthly_fee": Decimal("1.00")},
        {"signed_fingerprint": "0" * 64},
        {"version": 9},
    ],
)
def test_the_database_refuses_to_change_what_was_signed(world, change):
    contract = signed(world, kind=FULL)
    before = fetch(contract)
    with pytest.raises(DatabaseError), transaction.atomic(), all_providers():
        Contract.objects.filter(pk=contract.pk).update(**change)
    after = fetch(contract)
    assert (after.signed_terms, after.title, after.signed_fingerprint) == (
        before.signed_terms,
        before.title,
        before.signed_fingerprint,
    )
    assert terms_fingerprint(after.signed_terms) == after.signed_fingerprint


def test_the_database_refuses_to_change_the_items_of_a_signed_contract(world):
    contract = signed(world)
    with all_providers():
        item = ServiceItem.objects.get(contract_id=contract.pk)
    for statement in (
        lambda: ServiceItem.objects.filter(pk=item.pk).update(unit_price=Decimal("1.00")),
        lambda: ServiceItem.objects.filter(pk=item.pk).delete(),
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), all_providers():
            statement()
    with all_providers():
        assert ServiceItem.objects.get(pk=item.pk).unit_price == Decimal("800.00")
    row = fetch(contract)  # the fingerprint recomputes from what the row holds
    assert terms_fingerprint(row.signed_terms) == row.signed_fingerprint


# --- Rejecting ------------------------------------------------------------------------------------------


def test_the_merchant_rejects_a_proposal_with_a_reason(world):
    contract = proposed(world)
    with pytest.raises(ApplicationError) as refused:
        contract_reject(actor=as_merchant(world.merchant), contract=contract, reason="  ")
    assert refused.value.code == "reason_required"
    contract_reject(actor=as_merchant(world.merchant), contract=contract, reason="价格太高")
    row = fetch(contract)
    assert (row.status, row.reason, row.ended_by) == (ContractStatus.REJECTED, "价格太高", Side.MERCHANT)
    assert timeline(row)[-1] == (ContractEventKind.REJECTED, Side.MERCHANT)
    assert DomainEvent.objects.get(type="contract.ended").payload == {
        "contract_id": row.pk,
        "merchant_id": world.merchant.pk,
        "status": "rejected",
        "ended_by": "merchant",
        "reason": "价格太高",
        "return_to_pool": False,
    }
    assert Notification.objects.filter(recipient=world.owner.user, verb="contract.reject").count() == 1
    with pytest.raises(InvalidTransition):
        contract_sign(actor=as_merchant(world.merchant), contract=contract, version=1)


def test_another_provider_can_be_in_the_same_store_with_specialized_work(world, other_provider, member, cities):
    serve(other_provider, cities[0], world.tracks[0])
    other_bd = member(Role.BD, provider=other_provider)
    send_request(world.merchant, other_provider, [world.store])
    first = signed(world)
    second = contract_draft(
        actor=as_member(other_bd),
        merchant=world.merchant,
        stores=[world.store],
        kind=SPECIALIZED,
        terms=specialized_terms(),
    )
    contract_propose(actor=as_member(other_bd), contract=second)
    contract_sign(actor=as_merchant(world.merchant), contract=second, version=1)
    assert {fetch(first).status, fetch(second).status} == {ContractStatus.SIGNED}
