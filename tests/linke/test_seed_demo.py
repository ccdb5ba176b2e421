import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils.functional import empty

from linke.models import User
from linke.tenancy import all_providers
from merchants.models import Merchant
from providers.choices import ApplicationStatus
from providers.models import (
    CaseStudy,
    ImpersonationReport,
    Invitation,
    Membership,
    Provider,
    ProviderApplication,
    ServicePackage,
    VerificationEvent,
    private_storage,
)
from reference.models import Region, ServiceCity, Track

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=False)
def test_refused_when_debug_is_off():
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not User.objects.exists()


@override_settings(DEBUG=True)
def test_creates_the_demo_logins_once():
    call_command("seed_demo", stdout=None)
    call_command("seed_demo", stdout=None)
    assert set(User.objects.values_list("email", flat=True)) == {
        "operator@linke.test",
        "owner@alpha.test",
        "admin@alpha.test",
        "bd@alpha.test",
        "ops@alpha.test",
        "viewer@alpha.test",
        "owner@beta.test",
        "merchant@demo.test",
        "applicant@demo.test",
        "rejected@demo.test",
    }
    operator = User.objects.get(email="operator@linke.test")
    assert operator.is_superuser and operator.check_password("linke-demo-2026")
    with all_providers():
        assert sorted(Provider.objects.values_list("name", flat=True)) == ["贝塔服务商", "阿尔法服务商"]
        alpha_roles = Membership.objects.filter(provider__name="阿尔法服务商").values_list("role", flat=True)
        assert sorted(alpha_roles) == ["admin", "bd", "operator", "owner", "viewer"]
        pending = Invitation.objects.get(provider__name="阿尔法服务商")
        assert (pending.email, pending.accepted_at, pending.revoked_at) == ("new.bd@alpha.test", None, None)


@override_settings(DEBUG=True)
def test_demo_operator_can_open_the_admin(client):
    call_command("seed_demo")
    assert client.login(email="operator@linke.test", password="linke-demo-2026")
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "providers/provider/" in response.content.decode()


def test_seeds_provider_profiles_and_two_applications_once(settings, tmp_path):
    # through the fixture, not @override_settings: the two undone out of order would leave DEBUG on
    settings.DEBUG, settings.MEDIA_ROOT = True, tmp_path
    private_storage._wrapped = empty
    for code, name in [("350100", "福州市"), ("110000", "北京市"), ("440300", "深圳市"), ("310000", "上海市")]:
        region = Region.objects.create(code=code, name=name, level=2)
        ServiceCity.objects.create(region=region, name=name, name_pinyin=code)
    for slug in ["dining", "beauty", "leisure", "family"]:
        Track.objects.create(slug=slug, name=slug, name_en=slug)
    try:
        call_command("seed_demo", stdout=None)
        call_command("seed_demo", stdout=None)
    finally:
        private_storage._wrapped = empty

    applications = {a.applicant.email: a for a in ProviderApplication.objects.select_related("applicant")}
    assert set(applications) == {"applicant@demo.test", "rejected@demo.test"}
    submitted, rejected = applications["applicant@demo.test"], applications["rejected@demo.test"]
    assert submitted.status == ApplicationStatus.SUBMITTED
    assert submitted.licence.read().startswith(b"\x89PNG")
    assert [city.name for city in submitted.service_cities.all()] == ["深圳市"]
    assert rejected.status == ApplicationStatus.REJECTED and rejected.review_reason
    with all_providers():
        alpha = Provider.objects.get(name="阿尔法服务商")
    assert alpha.introduction and alpha.cooperation_modes == ["specialized", "full_operation"]
    assert [city.name for city in alpha.service_cities.all()] == ["福州市"]
    assert sorted(alpha.tracks.values_list("slug", flat=True)) == ["beauty", "dining"]
    with all_providers():  # seeded twice, made once
        assert CaseStudy.objects.filter(provider=alpha).count() == 2
        assert ServicePackage.objects.filter(provider=alpha).count() == 3
        assert VerificationEvent.objects.filter(provider=alpha).count() == 1
    assert ImpersonationReport.objects.get().outcome == "unknown"
    assert Merchant.objects.get().owner.email == "merchant@demo.test"
