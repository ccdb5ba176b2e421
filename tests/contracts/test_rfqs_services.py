"""Posted needs (需求发布), the rules: posting (own stores in the need's city, budget range, deadline window),
who may answer (city, track, standing, certification for 代运营 with the track's flag on or off), one proposal
each also under two concurrent submissions, accepting one (the rest closed and told, a contract proposal made
from it, merchant-only and its own need only), withdrawing a need and a proposal, and what is recorded."""

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from contracts.choices import (
    ContractKind,
    ContractOrigin,
    ContractStatus,
    ProposalStatus,
    RfqStatus,
    ServiceArea,
    ServiceLevel,
    StandardKind,
)
from contracts.models import Contract, Proposal, Rfq
from contracts.services.rfqs import CONTRACT_START_AFTER, proposal_terms
from linke.actors import Actor
from linke.errors import ApplicationError, ConflictError, InvalidTransition, PermissionDeniedError
from linke.models import AuditEvent, DomainEvent, Notification
from linke.tenancy import all_providers
from merchants.tenancy import merchant_scope
from providers.choices import ProviderStatus, Role
from providers.models import Provider
from reference.models import Track

from ..factories import MerchantFactory, ProviderFactory, StoreFactory
from ..tenancy.cases.rfqs import make_proposal, make_rfq, new_market, serve
from .rfqs_setup import (
    FULL,
    SPECIALIZED,
    accept,
    cancel,
    market_fixture,  # noqa: F401 - fixture
    merchant_actor,
    post,
    propose,
    shops_fixture,  # noqa: F401 - fixture
    team_fixture,  # noqa: F401 - fixture
    withdraw,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def statuses(rfq):
    with all_providers():
        return sorted(Proposal.objects.filter(rfq=rfq).values_list("provider__name", "status"))


def need_status(rfq):
    with all_providers():
        return Rfq.objects.get(pk=rfq.pk).status


def titles_for(user):
    return list(Notification.objects.filter(recipient=user).order_by("pk").values_list("title", flat=True))


# --- posting ----------------------------------------------------------------------------------------


def test_posting_a_need_records_it_and_tells_each_eligible_provider(merchant, market, shops, team, other_provider):
    city, track, _category = market
    serve(other_provider, cities=[city], tracks=[track])
    ProviderFactory(name="别的城市服务商")  # serves nothing: not told
    need = post(merchant, market, shops)

    with all_providers():
        need = Rfq.objects.get(pk=need.pk)
        assert sorted(need.stores.values_list("name", flat=True)) == ["老张火锅（五四路店）", "老张火锅（台江店）"]
    assert (need.status, need.mode, need.budget_min, need.budget_max) == (
        RfqStatus.OPEN,
        SPECIALIZED,
        Decimal("3000.00"),
        Decimal("8000.00"),
    )
    assert need.posted_by == merchant.owner
    audit = AuditEvent.objects.get(action="rfq.post")
    assert (audit.object_id, audit.actor_id, audit.after["stores"]) == (
        str(need.pk),
        merchant.owner_id,
        sorted(shop.pk for shop in shops),
    )
    events = DomainEvent.objects.filter(type="rfq.posted").order_by("provider_id")
    assert [event.provider_id for event in events] == sorted([team[Role.OWNER].provider_id, other_provider.pk])
    assert events[0].payload == {
        "rfq_id": need.pk,
        "merchant_id": merchant.pk,
        "track_id": track.pk,
        "city_id": city.pk,
        "mode": SPECIALIZED,
        "deadline": need.deadline.isoformat(),
    }


def test_full_operation_is_announced_only_to_certified_providers_where_the_track_requires_it(
    merchant, market, shops, team, other_provider
):
    city, track, _category = market
    serve(other_provider, cities=[city], tracks=[track], certified=[track])
    post(merchant, market, shops, mode=FULL)
    assert list(DomainEvent.objects.filter(type="rfq.posted").values_list("provider_id", flat=True)) == [
        other_provider.pk
    ]


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"title": "  "}, "title_required"),
        ({"description": ""}, "description_required"),
        ({"mode": "both"}, "mode_invalid"),
        ({"stores": []}, "stores_required"),
        ({"budget_min": Decimal("9000.00")}, "budget_range"),
        ({"budget_min": Decimal("-1.00")}, "budget_range"),
        ({"deadline": timezone.now() - timedelta(minutes=1)}, "deadline_past"),
        ({"deadline": timezone.now() + timedelta(days=60, minutes=5)}, "deadline_too_far"),
    ],
)
def test_a_need_that_breaks_a_rule_is_refused(fields, code, merchant, market, shops):
    with pytest.raises(ApplicationError) as refused:
        post(merchant, market, fields.get("stores", shops), **{k: v for k, v in fields.items() if k != "stores"})
    assert refused.value.code == code
    with merchant_scope(merchant):
        assert Rfq.objects.count() == 0


def test_a_store_of_another_merchant_or_another_city_is_refused(merchant, other_merchant, market, shops, cities):
    _city, _track, category = market
    theirs = StoreFactory(merchant=other_merchant, city=shops[0].city, category=category)
    elsewhere = StoreFactory(merchant=merchant, city=cities[1], category=category)
    with pytest.raises(ApplicationError, match="your own stores") as refused:
        post(merchant, market, [shops[0], theirs])
    assert refused.value.code == "store_not_yours"
    with pytest.raises(ApplicationError, match="in its city") as refused:
        post(merchant, market, [shops[0], elsewhere])
    assert refused.value.code == "store_not_in_city"


def test_only_a_merchant_posts_needs(team, merchant, market, shops):
    with merchant_scope(merchant), pytest.raises(PermissionDeniedError):
        from contracts.services.rfqs import rfq_create

        rfq_create(
            actor=Actor.member(team[Role.OWNER]),
            title="冒充商家",
            track=market[1],
            city=market[0],
            stores=shops,
            mode=SPECIALIZED,
            budget_min=Decimal(0),
            budget_max=Decimal(1),
            deadline=timezone.now() + timedelta(days=1),
            description="x",
        )


# --- eligibility --------------------------------------------------------------------------------


def answer(provider, rfq, **fields):
    """Propose for `rfq` as a new BD member of `provider`; the error code, or "proposed"."""
    from ..factories import MembershipFactory

    with all_providers():
        membership = MembershipFactory(provider=provider, role=Role.BD)
    try:
        propose(membership, rfq, **fields)
    except ApplicationError as error:
        return error.code
    return "proposed"


@pytest.fixture
def elsewhere(db):
    return new_market()


def test_a_provider_answers_needs_of_its_cities_and_tracks_only(merchant, market, elsewhere, provider, team):
    city, track, _category = market
    other_city, other_track, _other = elsewhere
    here = make_rfq(merchant, city=city, track=track)
    wrong_city = make_rfq(merchant, city=other_city, track=track)
    wrong_track = make_rfq(merchant, city=city, track=other_track)
    assert [answer(provider, need) for need in (here, wrong_city, wrong_track)] == [
        "proposed",
        "not_eligible",
        "not_eligible",
    ]


@pytest.mark.parametrize("status", [ProviderStatus.SUSPENDED, ProviderStatus.TERMINATED])
def test_a_provider_not_in_good_standing_cannot_propose(status, merchant, market, provider, team):
    need = make_rfq(merchant, city=market[0], track=market[1])
    Provider.objects.filter(pk=provider.pk).update(status=status)
    assert answer(provider, need) == "provider_not_active"
    assert statuses(need) == []


@pytest.mark.parametrize(
    ("requires", "certified", "outcome"),
    [(True, False, "not_eligible"), (True, True, "proposed"), (False, False, "proposed")],
)
def test_full_operation_needs_the_certified_track_when_the_track_says_so(
    requires, certified, outcome, merchant, market, provider, team
):
    city, track, _category = market
    Track.objects.filter(pk=track.pk).update(full_operation_requires_certification=requires)
    if certified:
        serve(provider, certified=[track])
    need = make_rfq(merchant, city=city, track=track, mode=FULL)
    assert answer(provider, need) == outcome


def test_specialized_work_needs_no_certification(merchant, market, provider, team):
    need = make_rfq(merchant, city=market[0], track=market[1], mode=SPECIALIZED)
    assert answer(provider, need) == "proposed"


@pytest.mark.parametrize(
    ("status", "deadline"),
    [
        (RfqStatus.OPEN, timedelta(seconds=-1)),
        (RfqStatus.AWARDED, timedelta(days=1)),
        (RfqStatus.CANCELLED, timedelta(days=1)),
        (RfqStatus.CLOSED, timedelta(days=1)),
    ],
)
def test_a_need_past_its_deadline_or_no_longer_open_takes_no_proposal(status, deadline, merchant, market, team):
    need = make_rfq(merchant, city=market[0], track=market[1], status=status, deadline=timezone.now() + deadline)
    with pytest.raises(ConflictError, match="no longer takes proposals") as refused:
        propose(team[Role.BD], need)
    assert refused.value.code == "rfq_closed"
    assert statuses(need) == []


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.VIEWER])
def test_only_owner_admins_and_bd_propose(role, merchant, market, team):
    need = make_rfq(merchant, city=market[0], track=market[1])
    with pytest.raises(PermissionDeniedError, match="Only the owner, admins and BD staff"):
        propose(team[role], need)
    assert statuses(need) == []


# --- proposing --------------------------------------------------------------------------------------


def test_a_proposal_is_recorded_and_the_merchant_told(merchant, market, shops, team, provider):
    need = post(merchant, market, shops)
    proposal = propose(team[Role.BD], need)

    assert (proposal.status, proposal.price, proposal.timeline_days, proposal.merchant_id) == (
        ProposalStatus.SUBMITTED,
        Decimal("6800.00"),
        30,
        merchant.pk,
    )
    assert (proposal.service_area, proposal.service_level) == (ServiceArea.SHORT_VIDEO, ServiceLevel.VALUE_ADDED)
    assert (proposal.monthly_gmv_target, proposal.videos_per_month) == (None, None)
    audit = AuditEvent.objects.get(action="rfq.propose")
    assert (audit.object_id, audit.provider_id, audit.after) == (
        str(proposal.pk),
        provider.pk,
        {"rfq": need.pk, "price": "6800.00", "timeline_days": 30},
    )
    event = DomainEvent.objects.get(type="proposal.submitted")
    assert (event.provider_id, event.payload) == (
        provider.pk,
        {
            "proposal_id": proposal.pk,
            "rfq_id": need.pk,
            "merchant_id": merchant.pk,
            "price": "6800.00",
            "timeline_days": 30,
        },
    )
    told = Notification.objects.get(recipient=merchant.owner, verb="rfq.propose")
    assert told.title == "New proposal for “两家火锅店的抖音短视频”"
    assert told.body == f"{provider.name} proposes ¥6,800.00 over 30 days. Compare the proposals side by side."
    assert told.url == f"/merchant/needs/{need.pk}/"


def test_a_second_proposal_of_the_same_provider_is_refused(merchant, market, shops, team):
    need = post(merchant, market, shops)
    propose(team[Role.BD], need)
    with pytest.raises(ConflictError, match="already submitted a proposal") as refused:
        propose(team[Role.ADMIN], need, price=Decimal("100.00"))
    assert refused.value.code == "proposal_exists"
    with all_providers():
        assert list(Proposal.objects.filter(rfq=need).values_list("price", flat=True)) == [Decimal("6800.00")]


def test_a_withdrawn_proposal_cannot_be_sent_again(merchant, market, shops, team):
    need = post(merchant, market, shops)
    withdraw(team[Role.BD], propose(team[Role.BD], need))
    with pytest.raises(ConflictError) as refused:
        propose(team[Role.BD], need)
    assert refused.value.code == "proposal_exists"


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_proposals_of_one_provider_leave_one(merchant, market, shops, team):
    need = post(merchant, market, shops)
    barrier = threading.Barrier(2)
    outcomes = []

    def submit(membership, price):
        try:
            barrier.wait()
            propose(membership, need, price=price)
            outcomes.append("proposed")
        except ApplicationError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=submit, args=(team[role], Decimal(price)))
        for role, price in ((Role.OWNER, "5000.00"), (Role.BD, "6000.00"))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["proposal_exists", "proposed"]
    with all_providers():
        assert Proposal.objects.filter(rfq=need).count() == 1


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"timeline_days": 89}, "timeline_out_of_range"),
        ({"timeline_days": 1096}, "timeline_out_of_range"),
        ({"monthly_gmv_target": None, "videos_per_month": None}, "standards_required"),
        ({"price": Decimal("0.00")}, "price_invalid"),
        ({"scope": " "}, "scope_required"),
        ({"deliverables": ""}, "deliverables_required"),
    ],
)
def test_a_full_operation_proposal_needs_a_term_of_90_days_to_3_years_a_fee_and_standards(
    fields, code, merchant, market, provider, team
):
    serve(provider, certified=[market[1]])
    need = make_rfq(merchant, city=market[0], track=market[1], mode=FULL)
    with pytest.raises(ApplicationError) as refused:
        propose(team[Role.BD], need, **fields)
    assert refused.value.code == code
    assert statuses(need) == []


def test_a_full_operation_proposal_keeps_its_standards(merchant, market, provider, team):
    serve(provider, certified=[market[1]])
    need = make_rfq(merchant, city=market[0], track=market[1], mode=FULL)
    proposal = propose(team[Role.BD], need, timeline_days=1095, videos_per_month=None)
    assert (proposal.timeline_days, proposal.monthly_gmv_target, proposal.videos_per_month) == (
        1095,
        Decimal("150000.00"),
        None,
    )


# --- accepting ----------------------------------------------------------------------------------------


@pytest.fixture
def bidding(merchant, market, shops, team, provider):
    """A need of the merchant with proposals of `provider` (¥6,800) and two rivals (¥5,000 and ¥9,000); a
    third rival withdrew."""
    city, track, _category = market
    need = post(merchant, market, shops)
    ours = propose(team[Role.BD], need)
    rivals = [ProviderFactory(name=name) for name in ("丙服务商", "丁服务商", "戊服务商")]
    for rival in rivals:
        serve(rival, cities=[city], tracks=[track])
    members = {}
    for rival, price in zip(rivals, ("5000.00", "9000.00", "1.00"), strict=True):
        from ..factories import MembershipFactory

        with all_providers():
            members[rival.name] = MembershipFactory(provider=rival, role=Role.OWNER)
        propose(members[rival.name], need, price=Decimal(price))
    with all_providers():
        gone = Proposal.objects.get(rfq=need, provider=rivals[2])
    withdraw(members["戊服务商"], gone)
    return {"need": need, "ours": ours, "members": members}


def test_accepting_makes_a_contract_proposal_and_closes_the_rest(
    bidding, merchant, provider, team, shops, django_capture_on_commit_callbacks
):
    need, ours = bidding["need"], bidding["ours"]
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        contract = accept(merchant, need, ours)

    assert need_status(need) == RfqStatus.AWARDED
    assert statuses(need) == [
        ("丁服务商", ProposalStatus.CLOSED),
        ("丙服务商", ProposalStatus.CLOSED),
        ("戊服务商", ProposalStatus.WITHDRAWN),
        (provider.name, ProposalStatus.ACCEPTED),
    ]
    with all_providers():
        contract = Contract.objects.get(pk=contract.pk)
        assert (contract.status, contract.kind, contract.origin, contract.rfq_proposal_id) == (
            ContractStatus.PROPOSED,
            ContractKind.SPECIALIZED,
            ContractOrigin.RFQ,
            ours.pk,
        )
        assert (contract.provider_id, contract.merchant_id, contract.created_by_id) == (
            provider.pk,
            merchant.pk,
            merchant.owner_id,
        )
        start = timezone.localdate() + CONTRACT_START_AFTER
        assert (contract.start_date, contract.end_date, contract.total_price) == (
            start,
            start + timedelta(days=29),
            Decimal("6800.00"),
        )
        assert sorted(contract.contract_stores.values_list("store__name", flat=True)) == sorted(s.name for s in shops)
        item = contract.items.get()
        assert (item.area, item.level, item.title, item.unit_price, item.quantity, item.due_date) == (
            ServiceArea.SHORT_VIDEO,
            ServiceLevel.VALUE_ADDED,
            "两家火锅店的抖音短视频",
            Decimal("6800.00"),
            1,
            start + timedelta(days=29),
        )
    event = DomainEvent.objects.get(type="proposal.accepted")
    assert (event.provider_id, event.payload) == (
        provider.pk,
        {"proposal_id": ours.pk, "rfq_id": need.pk, "merchant_id": merchant.pk, "contract_id": contract.pk},
    )
    audit = AuditEvent.objects.get(action="rfq.accept")
    assert (audit.object_id, audit.after) == (
        str(ours.pk),
        {"status": ProposalStatus.ACCEPTED, "contract": contract.pk, "closed": 2},
    )
    assert titles_for(team[Role.BD].user) == ["Your proposal for “两家火锅店的抖音短视频” was accepted"]
    assert titles_for(team[Role.OPERATOR].user) == []  # operators do not answer needs
    for rival in ("丙服务商", "丁服务商"):
        assert titles_for(bidding["members"][rival].user)[-1:] == [  # in their language: Chinese by default
            "您为“两家火锅店的抖音短视频”提交的方案未被选定"
        ]
    assert titles_for(bidding["members"]["戊服务商"].user) == []  # it withdrew: nothing to tell


def test_the_providers_not_chosen_gain_no_claim_on_the_merchant(bidding, merchant):
    from merchants.models import AccountAssignment, LeadClaim

    accept(merchant, bidding["need"], bidding["ours"])
    with all_providers():
        assert LeadClaim.objects.count() == 0
        assert AccountAssignment.objects.count() == 0
        assert Contract.objects.count() == 1


def test_a_full_operation_proposal_becomes_a_contract_with_its_fee_term_and_standards(merchant, market, provider, team):
    serve(provider, certified=[market[1]])
    need = make_rfq(merchant, city=market[0], track=market[1], mode=FULL)
    proposal = propose(team[Role.BD], need)
    contract = accept(merchant, need, proposal)
    with all_providers():
        contract = Contract.objects.get(pk=contract.pk)
        start = timezone.localdate() + CONTRACT_START_AFTER
        assert (contract.kind, contract.monthly_fee, contract.commission_bp) == (
            ContractKind.FULL_OPERATION,
            Decimal("12000.00"),
            None,
        )
        assert (contract.start_date, contract.end_date) == (start, start + timedelta(days=179))
        assert sorted(contract.standards.values_list("kind", "target")) == [
            (StandardKind.MONTHLY_GMV, Decimal("150000.00")),
            (StandardKind.SHORT_VIDEOS, Decimal("8.00")),
        ]


def test_the_terms_of_a_proposal_are_literal():
    need = Rfq(title="门店代运营", mode=FULL)
    proposal = Proposal(
        price=Decimal("9000.00"),
        scope="直播",
        deliverables="月报",
        timeline_days=90,
        monthly_gmv_target=Decimal("80000.00"),
        videos_per_month=None,
    )
    assert proposal_terms(need, proposal, today=date(2026, 3, 1)) == {
        "title": "门店代运营",
        "scope": "直播\n\n月报",
        "start_date": date(2026, 3, 8),
        "end_date": date(2026, 6, 5),
        "monthly_fee": Decimal("9000.00"),
        "commission_bp": None,
        "items": [],
        "standards": [{"kind": StandardKind.MONTHLY_GMV, "target": Decimal("80000.00")}],
    }


def test_only_the_merchant_who_posted_accepts(bidding, merchant, other_merchant, team):
    need, ours = bidding["need"], bidding["ours"]
    with merchant_scope(other_merchant), pytest.raises(PermissionDeniedError):
        from contracts.services.rfqs import rfq_accept

        rfq_accept(actor=merchant_actor(other_merchant), rfq=need, proposal=ours)
    with merchant_scope(merchant), pytest.raises(PermissionDeniedError):
        rfq_accept(actor=Actor.member(team[Role.OWNER]), rfq=need, proposal=ours)
    assert need_status(need) == RfqStatus.OPEN
    with all_providers():
        assert Contract.objects.count() == 0


def test_a_proposal_of_another_need_cannot_be_accepted(bidding, merchant, market):
    other_need = make_rfq(merchant, city=market[0], track=market[1])
    with pytest.raises(ApplicationError) as refused:
        accept(merchant, other_need, bidding["ours"])
    assert refused.value.code == "proposal_not_found"
    assert need_status(other_need) == RfqStatus.OPEN


def test_a_withdrawn_proposal_cannot_be_accepted(bidding, merchant):
    with all_providers():
        gone = Proposal.objects.get(rfq=bidding["need"], status=ProposalStatus.WITHDRAWN)
    with pytest.raises(InvalidTransition):
        accept(merchant, bidding["need"], gone)
    assert need_status(bidding["need"]) == RfqStatus.OPEN


def test_a_need_is_awarded_once(bidding, merchant):
    accept(merchant, bidding["need"], bidding["ours"])
    with all_providers():
        rival = Proposal.objects.filter(rfq=bidding["need"], status=ProposalStatus.CLOSED).first()
    with pytest.raises(InvalidTransition):
        accept(merchant, bidding["need"], rival)
    with all_providers():
        assert Contract.objects.count() == 1


def test_after_the_deadline_no_proposal_can_be_accepted(bidding, merchant):
    with all_providers():
        Rfq.objects.filter(pk=bidding["need"].pk).update(deadline=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ConflictError) as refused:
        accept(merchant, bidding["need"], bidding["ours"])
    assert refused.value.code == "rfq_closed"
    assert statuses(bidding["need"])[-1][1] == ProposalStatus.SUBMITTED


def test_a_suspended_providers_proposal_cannot_be_accepted(bidding, merchant, provider):
    Provider.objects.filter(pk=provider.pk).update(status=ProviderStatus.SUSPENDED)
    with pytest.raises(ConflictError) as refused:
        accept(merchant, bidding["need"], bidding["ours"])
    assert refused.value.code == "provider_not_active"
    assert need_status(bidding["need"]) == RfqStatus.OPEN
    with all_providers():
        assert Contract.objects.count() == 0


def test_full_operation_stays_behind_the_stores_certification_gate(merchant, market, provider, team, tracks):
    """Proposing read the need's track; the contract's gate reads the stores' tracks: a store of a track
    that requires a certification the provider lacks refuses the acceptance."""
    city, track, category = market
    Track.objects.filter(pk=track.pk).update(full_operation_requires_certification=False)
    tracks[0].categories.add(category)  # the store's sub-category is also in 餐饮, which requires it
    need = make_rfq(merchant, city=city, track=track, mode=FULL)
    proposal = propose(team[Role.BD], need)
    with pytest.raises(ConflictError) as refused:
        accept(merchant, need, proposal)
    assert refused.value.code == "certification_required"
    assert need_status(need) == RfqStatus.OPEN


# --- withdrawing ------------------------------------------------------------------------------------


def test_withdrawing_a_need_closes_its_proposals_and_tells_those_providers(bidding, merchant, team):
    Notification.objects.all().delete()
    cancel(merchant, bidding["need"])
    assert need_status(bidding["need"]) == RfqStatus.CANCELLED
    assert [status for _name, status in statuses(bidding["need"])] == [
        ProposalStatus.CLOSED,
        ProposalStatus.CLOSED,
        ProposalStatus.WITHDRAWN,
        ProposalStatus.CLOSED,
    ]
    assert titles_for(team[Role.ADMIN].user) == ["The need “两家火锅店的抖音短视频” was withdrawn"]
    assert titles_for(bidding["members"]["戊服务商"].user) == []
    assert AuditEvent.objects.get(action="rfq.cancel").after == {"status": RfqStatus.CANCELLED, "proposals_closed": 3}
    with pytest.raises(InvalidTransition):
        cancel(merchant, bidding["need"])


def test_only_the_merchant_who_posted_withdraws_a_need(bidding, other_merchant):
    with merchant_scope(other_merchant), pytest.raises(PermissionDeniedError):
        from contracts.services.rfqs import rfq_cancel

        rfq_cancel(actor=merchant_actor(other_merchant), rfq=bidding["need"])
    assert need_status(bidding["need"]) == RfqStatus.OPEN


def test_withdrawing_a_proposal_tells_the_merchant(merchant, market, shops, team, provider):
    need = post(merchant, market, shops)
    proposal = withdraw(team[Role.BD], propose(team[Role.BD], need))
    assert proposal.status == ProposalStatus.WITHDRAWN and proposal.decided_at is not None
    assert titles_for(merchant.owner)[-1] == "A proposal for “两家火锅店的抖音短视频” was withdrawn"
    assert AuditEvent.objects.get(action="rfq.withdraw").object_id == str(proposal.pk)
    with pytest.raises(InvalidTransition):
        withdraw(team[Role.BD], proposal)
    with pytest.raises(PermissionDeniedError):
        withdraw(team[Role.VIEWER], make_proposal(ProviderFactory(), need))


def test_a_provider_sees_only_the_needs_it_may_answer_or_answered(merchant, market, elsewhere, provider, team):
    from contracts.selectors.rfqs import rfq_feed, rfqs_visible_to

    city, track, _category = market
    answerable = make_rfq(merchant, city=city, track=track)
    answered = make_rfq(merchant, city=city, track=track, status=RfqStatus.AWARDED)
    make_proposal(provider, answered, status=ProposalStatus.CLOSED)
    make_rfq(merchant, city=city, track=track, status=RfqStatus.CLOSED)  # closed, never answered
    make_rfq(MerchantFactory(), city=elsewhere[0], track=elsewhere[1])  # another market
    make_rfq(merchant, city=city, track=track, deadline=timezone.now() - timedelta(seconds=1))  # past its deadline
    with all_providers():
        assert sorted(rfqs_visible_to(provider).values_list("pk", flat=True)) == sorted([answerable.pk, answered.pk])
        assert [row.pk for row in rfq_feed(provider)] == [answerable.pk]


def test_a_provider_sees_no_need_in_a_mode_it_does_not_offer(merchant, market, provider, team):
    from contracts.selectors.rfqs import rfq_feed

    city, track, _category = market
    specialized = make_rfq(merchant, city=city, track=track, mode=SPECIALIZED)
    make_rfq(merchant, city=city, track=track, mode=FULL)
    Provider.objects.filter(pk=provider.pk).update(cooperation_modes=[SPECIALIZED])
    provider.refresh_from_db()
    with all_providers():
        assert [row.pk for row in rfq_feed(provider)] == [specialized.pk]
