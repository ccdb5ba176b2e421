"""A need closes at its deadline: the periodic task closes the open needs past it and their submitted
proposals, set-based and idempotent, and tells the merchants and the providers who proposed."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from contracts.choices import ProposalStatus, RfqStatus
from contracts.models import Proposal, Rfq
from contracts.services import rfqs as services
from contracts.services.rfqs import rfqs_close_due
from contracts.tasks import rfqs_close_due_task
from linke.models import Notification, User
from linke.tenancy import all_providers
from providers.choices import Role

from ..factories import MembershipFactory, MerchantFactory, ProviderFactory
from ..tenancy.cases.rfqs import make_proposal, make_rfq, new_market

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def due_and_not(db):
    """Two needs past their deadline (one with a submitted and a withdrawn proposal), one still open, one
    awarded before its deadline passed."""
    city, track, _category = new_market()
    now = timezone.now()
    merchant = MerchantFactory(name="到期商家")
    User.objects.filter(pk=merchant.owner_id).update(language="en")
    bidder, quitter = ProviderFactory(name="投标服务商"), ProviderFactory(name="撤回服务商")
    with all_providers():
        bidder_owner = MembershipFactory(provider=bidder, role=Role.OWNER, user__language="en")
        MembershipFactory(provider=quitter, role=Role.OWNER)
    due = make_rfq(merchant, city=city, track=track, deadline=now - timedelta(minutes=5), title="到期的需求")
    quiet = make_rfq(merchant, city=city, track=track, deadline=now - timedelta(seconds=1), title="无人投标")
    later = make_rfq(merchant, city=city, track=track, deadline=now + timedelta(minutes=5), title="还未到期")
    awarded = make_rfq(
        merchant, city=city, track=track, deadline=now - timedelta(days=1), status=RfqStatus.AWARDED, title="已选定"
    )
    submitted = make_proposal(bidder, due)
    withdrawn = make_proposal(quitter, due, status=ProposalStatus.WITHDRAWN)
    later_bid = make_proposal(bidder, later)
    return {
        "merchant": merchant,
        "bidder_owner": bidder_owner,
        "needs": {"due": due, "quiet": quiet, "later": later, "awarded": awarded},
        "proposals": {"submitted": submitted, "withdrawn": withdrawn, "later": later_bid},
    }


def state(rows):
    with all_providers():
        return {name: type(row).objects.values_list("status", flat=True).get(pk=row.pk) for name, row in rows.items()}


def test_the_needs_past_their_deadline_close_with_their_submitted_proposals(due_and_not):
    assert rfqs_close_due() == 2
    assert state(due_and_not["needs"]) == {
        "due": RfqStatus.CLOSED,
        "quiet": RfqStatus.CLOSED,
        "later": RfqStatus.OPEN,
        "awarded": RfqStatus.AWARDED,
    }
    assert state(due_and_not["proposals"]) == {
        "submitted": ProposalStatus.CLOSED,
        "withdrawn": ProposalStatus.WITHDRAWN,
        "later": ProposalStatus.SUBMITTED,
    }
    with all_providers():
        assert Rfq.objects.get(pk=due_and_not["needs"]["due"].pk).closed_at is not None
        assert Proposal.objects.get(pk=due_and_not["proposals"]["submitted"].pk).decided_at is not None


def test_the_merchant_and_the_providers_who_proposed_are_told(due_and_not):
    rfqs_close_due()
    merchant_side = Notification.objects.filter(recipient=due_and_not["merchant"].owner).order_by("title")
    assert [(n.title, n.body) for n in merchant_side] == [
        (
            "Your need “到期的需求” closed at its deadline",
            "Proposals received: 1, none accepted. Post the need again if you still need help.",
        ),
        (
            "Your need “无人投标” closed at its deadline",
            "Proposals received: 0, none accepted. Post the need again if you still need help.",
        ),
    ]
    provider_side = Notification.objects.filter(recipient=due_and_not["bidder_owner"].user)
    assert [(n.title, n.url) for n in provider_side] == [
        ("The need “到期的需求” closed without a choice", f"/portal/needs/{due_and_not['needs']['due'].pk}/")
    ]
    assert Notification.objects.count() == 3  # the provider that withdrew hears nothing


def test_closing_again_changes_nothing(due_and_not):
    assert rfqs_close_due() == 2
    before = state(due_and_not["needs"]) | state(due_and_not["proposals"])
    assert rfqs_close_due() == 0
    assert state(due_and_not["needs"]) | state(due_and_not["proposals"]) == before
    assert Notification.objects.count() == 3


def test_closing_works_in_batches(due_and_not, monkeypatch):
    monkeypatch.setattr(services, "CLOSE_BATCH", 1)
    assert rfqs_close_due() == 2
    assert state(due_and_not["needs"])["quiet"] == RfqStatus.CLOSED


def test_the_task_closes_them_and_beat_runs_it_every_ten_minutes(due_and_not):
    assert rfqs_close_due_task.delay().get() == 2
    entry = settings.CELERY_BEAT_SCHEDULE["close-due-rfqs"]
    assert entry["task"] == "contracts.tasks.rfqs_close_due_task"
    assert entry["schedule"] == timedelta(minutes=10)
    assert entry["options"]["expires"] == 540
