"""`manage.py generate_scale_data`: row counts of the tiny preset, determinism, valid rows, COPY (no query
per row), and its refusals."""

import hashlib

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from linke.models import User
from linke.tenancy import all_providers
from linke.validators import validate_credit_code, validate_mainland_mobile
from merchants.models import Lead, LeadClaim, Merchant, Store
from merchants.rules import address_key
from providers.models import Membership, Provider, ProviderStanding
from providers.rules import TIER_BENEFITS

pytestmark = pytest.mark.django_db


@pytest.fixture
def reference_data(db):
    call_command("load_reference_data", verbosity=0)


def generate(**options):
    call_command("generate_scale_data", **{"scale": "tiny", "seed": 1, "yes_i_know": True, "verbosity": 0, **options})


def fingerprint() -> str:
    """A checksum of what a reader sees of the generated rows: names, addresses, mobiles, codes."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT md5(string_agg(name || address || city_id || coalesce(district_id, ''), ',' ORDER BY id)) "
            "FROM merchants_store"
        )
        stores = cursor.fetchone()[0]
        cursor.execute("SELECT md5(string_agg(merchant_name || mobile, ',' ORDER BY id)) FROM merchants_lead")
        leads = cursor.fetchone()[0]
        cursor.execute("SELECT md5(string_agg(name || credit_code, ',' ORDER BY id)) FROM providers_provider")
        providers = cursor.fetchone()[0]
    return hashlib.sha256(f"{stores}{leads}{providers}".encode()).hexdigest()


def test_tiny_preset_writes_the_expected_rows(reference_data):
    generate()

    with all_providers():
        assert Provider.objects.count() == 50
        assert ProviderStanding.objects.count() == 50
        assert Membership.objects.count() == 159
        assert Membership.objects.filter(role="owner", is_active=True).count() == 50
        assert LeadClaim.objects.filter(status="active").count() == 34
        assert LeadClaim.objects.count() == 37
        assert Store.objects.count() == 500
    assert User.objects.count() == 159 + 200
    assert Merchant.objects.count() == 200
    assert Lead.objects.count() == 300
    assert Lead.objects.filter(source="signup").count() == 60


def test_the_same_seed_writes_the_same_rows_and_another_seed_others(reference_data):
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


def test_rows_are_valid(reference_data):
    generate()

    codes = list(Provider.objects.values_list("credit_code", flat=True))
    codes += [code for code in Merchant.objects.values_list("credit_code", flat=True) if code]
    for code in codes:
        validate_credit_code(code)  # the database's CHECK constraint has accepted them too
    assert len(set(codes)) == len(codes) == 50 + 143
    mobiles = list(Lead.objects.values_list("mobile", flat=True))
    mobiles += [m for m in Merchant.objects.values_list("contact_mobile", flat=True) if m]
    mobiles += [m for m in User.objects.values_list("mobile", flat=True) if m]
    for mobile in mobiles:
        validate_mainland_mobile(mobile)
    assert len(mobiles) == 300 + 189 + 278
    with connection.cursor() as cursor:
        # Every store's and lead's district is a county of its city (or none where the city has no county level).
        for table in ("merchants_store", "merchants_lead"):
            cursor.execute(
                f"SELECT count(*) FROM {table} row JOIN reference_servicecity city ON city.id = row.city_id "  # noqa: S608
                "LEFT JOIN reference_region district ON district.code = row.district_id "
                "WHERE district.parent_id IS DISTINCT FROM city.region_id AND (row.district_id IS NOT NULL "
                "OR EXISTS (SELECT 1 FROM reference_region c WHERE c.parent_id = city.region_id))"
            )
            assert cursor.fetchone()[0] == 0, table
        # Claims: by a bd (or the owner) of the claiming provider, of a lead in its cities and tracks.
        cursor.execute(
            "SELECT count(*) FROM merchants_leadclaim claim "
            "JOIN providers_membership member ON member.id = claim.claimed_by_id "
            "JOIN merchants_lead lead ON lead.id = claim.lead_id "
            "JOIN reference_track_categories grouped ON grouped.category_id = lead.category_id "
            "WHERE member.provider_id = claim.provider_id AND member.role IN ('bd', 'owner') "
            "AND EXISTS (SELECT 1 FROM providers_provider_service_cities link "
            "            WHERE link.provider_id = claim.provider_id AND link.servicecity_id = lead.city_id) "
            "AND EXISTS (SELECT 1 FROM providers_provider_tracks link "
            "            WHERE link.provider_id = claim.provider_id AND link.track_id = grouped.track_id)"
        )
        assert cursor.fetchone()[0] == 37
    leads = list(Lead.objects.only("mobile", "address", "address_key"))
    assert len({(lead.mobile, lead.address_key) for lead in leads}) == 300
    assert [lead for lead in leads if lead.address_key != address_key(lead.address)] == []
    for standing in ProviderStanding.objects.all():
        benefits = TIER_BENEFITS[standing.tier]
        assert (standing.lead_quota, standing.protection_days) == (benefits.lead_quota, benefits.protection_days)
        low, high = {"L1": (0, 40), "L2": (40, 60), "L3": (60, 75), "L4": (75, 90), "L5": (90, 100.01)}[standing.tier]
        assert low <= standing.score < high


def test_writes_with_copy_not_a_query_per_row(reference_data):
    with transaction.atomic(), CaptureQueriesContext(connection) as tiny:
        generate()
        transaction.set_rollback(True)
    with CaptureQueriesContext(connection) as bigger:
        generate(stores=1500, leads=900)

    with all_providers():
        assert Store.objects.count() == 1500
    assert len(bigger) == len(tiny) < 60


def test_refuses_while_debug_is_off_and_on_a_database_with_scale_data(reference_data):
    with pytest.raises(CommandError, match="refused while DEBUG is off"):
        call_command("generate_scale_data", scale="tiny", verbosity=0)
    with all_providers():
        assert Store.objects.count() == 0

    generate()
    with pytest.raises(CommandError, match="already holds scale data"):
        generate(seed=2)
    with all_providers():
        assert Store.objects.count() == 500
