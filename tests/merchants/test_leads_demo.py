"""The lead pool's demo data: 30 leads, 阿尔法's claims with a countdown, one released, one disputed; idempotent."""

import pytest
from django.core.management import call_command
from django.test import override_settings

from linke.demo import Demo
from linke.models import User
from linke.tenancy import all_providers
from merchants.choices import ClaimStatus, DisputeStatus
from merchants.demo import leads as demo_leads
from merchants.models import Lead, LeadClaim, LeadDispute, Visit


@pytest.mark.django_db
def test_the_demo_leads_are_seeded_once():
    call_command("load_reference_data", verbosity=0)
    with override_settings(DEBUG=True):
        call_command("seed_demo", verbosity=0)
    demo = Demo(users={user.email: user for user in User.objects.all()})
    with all_providers():
        for _ in range(2):
            demo_leads.seed(demo)
        assert Lead.objects.count() >= 30
        statuses = sorted(LeadClaim.objects.filter(provider__name="阿尔法服务商").values_list("status", flat=True))
        # six of the 30 leads (one released since) and the demo merchant's own lead, extended by its visit,
        # then converted by the contracts demo's first signed contract
        assert statuses == [ClaimStatus.ACTIVE] * 5 + [ClaimStatus.CONVERTED, ClaimStatus.RELEASED]
        own = LeadClaim.objects.filter(lead__merchant__owner__email="merchant@demo.test").get()
        assert own.extended_at and own.status == ClaimStatus.CONVERTED
        assert list(LeadDispute.objects.values_list("provider__name", "status")) == [("贝塔服务商", DisputeStatus.OPEN)]
        assert Visit.objects.filter(merchant__owner__email="merchant@demo.test").count() == 1
