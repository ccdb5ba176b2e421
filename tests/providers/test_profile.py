"""Provider settings: profile, service packages and case studies (portal and API)."""

import itertools
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from rest_framework.test import APIClient

from linke.actors import Actor
from linke.errors import PermissionDeniedError
from linke.models import AuditEvent
from linke.tenancy import all_providers
from providers.choices import CooperationMode, Role
from providers.models import ServicePackage
from providers.permissions import MESSAGES, Action
from providers.services.profile import provider_update
from providers.tenancy import provider_scope
from reference.models import Track

from ..conftest import client_for
from ..factories.providers import ServicePackageFactory
from ..query_counts import assert_query_baseline

pytestmark = pytest.mark.django_db
EDITORS, READERS = [Role.OWNER, Role.ADMIN], [Role.BD, Role.OPERATOR, Role.VIEWER]


@pytest.fixture
def track(db):
    return Track.objects.create(slug="dining", name="餐饮", name_en="Dining")


def api_client(membership):
    client = APIClient()
    client.force_login(membership.user)
    return client


@pytest.mark.parametrize("role", EDITORS)
def test_editors_save_the_profile_in_the_portal_and_it_is_audited(role, member, provider, track):
    response = client_for(member(role)).post(
        reverse("portal:settings"),
        {
            "introduction": "专注餐饮赛道",
            "tracks": [track.pk],
            "cooperation_modes": [CooperationMode.SPECIALIZED],
            "access_mode": "native",
            "contact_mobile": "13912345678",
        },
    )
    assert response.status_code == 302
    provider.refresh_from_db()
    assert (provider.introduction, provider.cooperation_modes) == ("专注餐饮赛道", ["specialized"])
    assert list(provider.tracks.all()) == [track]
    event = AuditEvent.objects.get(action="provider.update")
    assert event.after["introduction"] == "专注餐饮赛道" and event.before["introduction"] == ""


@pytest.mark.parametrize("role", READERS)
def test_other_roles_are_refused_with_the_reason(role, member, provider):
    client = client_for(member(role))
    response = client.post(reverse("portal:settings"), {"introduction": "hacked", "access_mode": "native"})
    assert response.status_code == 403
    with translation.override("zh-hans"):
        assert escape(str(MESSAGES[Action.EDIT_SETTINGS])) in response.content.decode()
    api = api_client(member(role))
    response = api.patch(reverse("api:profile"), {"introduction": "hacked"}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    provider.refresh_from_db()
    assert provider.introduction == ""


def test_api_reads_and_updates_the_profile(member, provider, track):
    api = api_client(member(Role.ADMIN))
    response = api.patch(reverse("api:profile"), {"introduction": "新的介绍", "tracks": ["dining"]}, format="json")
    assert response.status_code == 200
    assert response.json()["tracks"] == ["dining"]
    assert api.get(reverse("api:profile")).json()["introduction"] == "新的介绍"


def test_invalid_package_keeps_what_was_typed(member):
    client = client_for(member(Role.OWNER))
    response = client.post(
        reverse("portal:package_create"), {"name": "探店短视频", "area": "short_video", "level": "basic", "price": "-5"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "price" in form.errors
    assert form.data["name"] == "探店短视频"
    with all_providers():
        assert not ServicePackage.objects.exists()


def test_package_created_with_a_decimal_price(member, provider):
    client = client_for(member(Role.OWNER))
    response = client.post(
        reverse("portal:package_create"),
        {"name": "探店短视频", "area": "short_video", "level": "basic", "price": "1999.50", "is_active": "on"},
    )
    assert response.status_code == 302
    with provider_scope(provider):
        package = ServicePackage.objects.get()
    assert package.price == Decimal("1999.50")
    assert AuditEvent.objects.filter(action="service_package.save", object_id=str(package.pk)).exists()


def test_api_package_crud_goes_through_the_service(member, provider):
    api = api_client(member(Role.OWNER))
    created = api.post(
        reverse("api:service-package-list"),
        {"name": "直播代运营", "area": "livestream", "level": "value_added", "price": "8800.00"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert (
        api.patch(reverse("api:service-package-detail", kwargs={"pk": pk}), {"price": "9900.00"}, format="json").json()[
            "price"
        ]
        == "9900.00"
    )
    assert api.delete(reverse("api:service-package-detail", kwargs={"pk": pk})).status_code == 204
    assert list(AuditEvent.objects.filter(object_id=str(pk)).order_by("id").values_list("action", flat=True)) == [
        "service_package.save",
        "service_package.save",
        "service_package.delete",
    ]


def test_viewer_cannot_create_packages_through_the_api(member):
    response = api_client(member(Role.VIEWER)).post(
        reverse("api:service-package-list"), {"name": "x", "area": "livestream", "price": "1"}, format="json"
    )
    assert response.status_code == 403
    with all_providers():
        assert not ServicePackage.objects.exists()


def test_settings_page_and_package_list_do_not_query_per_package(member, provider):
    owner = member(Role.OWNER)
    portal, api = client_for(owner), api_client(owner)

    names = (f"探店短视频{i}号套餐" for i in itertools.count())

    def add(k):
        return [ServicePackageFactory(provider=provider, name=next(names)).name for _ in range(k)]

    assert_query_baseline("portal:settings", lambda: portal.get(reverse("portal:settings")), add)
    assert_query_baseline("api:service-package-list", lambda: api.get(reverse("api:service-package-list")), add)


def test_api_profile_update_reads_cities_in_one_query(member, provider, track):
    from reference.models import Region, ServiceCity

    cities = [
        ServiceCity.objects.create(
            region=Region.objects.create(code=f"35{i:02d}00", name=f"市{i}", level=2),
            name=f"市{i}",
            name_pinyin=f"shi{i}",
        )
        for i in range(5)
    ]
    api = api_client(member(Role.OWNER))
    response = api.patch(reverse("api:profile"), {"service_cities": [c.pk for c in cities]}, format="json")
    assert response.status_code == 200, response.json()
    assert sorted(response.json()["service_cities"]) == sorted(c.pk for c in cities)
    unknown = api.patch(reverse("api:profile"), {"service_cities": [999999]}, format="json")
    assert unknown.status_code == 400 and "service_cities" in unknown.json()["details"]


def test_a_city_deactivated_by_operators_is_not_dropped_by_an_unrelated_save(member, provider):
    from reference.models import Region, ServiceCity

    city = ServiceCity.objects.create(
        region=Region.objects.create(code="350100", name="福州市", level=2), name="福州市", name_pinyin="fuzhoushi"
    )
    provider.service_cities.add(city)
    ServiceCity.objects.filter(pk=city.pk).update(is_active=False)
    client = client_for(member(Role.OWNER))
    response = client.post(
        reverse("portal:settings"), {"introduction": "只改介绍", "service_cities": [city.pk], "access_mode": "native"}
    )
    assert response.status_code == 302
    assert list(provider.service_cities.all()) == [city]


def test_the_api_keeps_a_city_and_track_deactivated_by_operators_but_offers_no_other_inactive_one(
    member, provider, track
):
    from reference.models import Region, ServiceCity, Track

    kept, never_had = (
        ServiceCity.objects.create(
            region=Region.objects.create(code=code, name=name, level=2), name=name, name_pinyin=code, is_active=False
        )
        for code, name in [("350100", "福州市"), ("350200", "厦门市")]
    )
    provider.service_cities.add(kept)
    provider.tracks.add(track)
    Track.objects.filter(pk=track.pk).update(is_active=False)
    api = api_client(member(Role.OWNER))
    unchanged = api.patch(
        reverse("api:profile"),
        {"service_cities": [kept.pk], "tracks": [track.slug], "introduction": "只改介绍"},
        format="json",
    )
    assert unchanged.status_code == 200, unchanged.json()
    assert (unchanged.json()["service_cities"], unchanged.json()["tracks"]) == ([kept.pk], [track.slug])
    refused = api.patch(reverse("api:profile"), {"service_cities": [kept.pk, never_had.pk]}, format="json")
    assert refused.status_code == 400 and "service_cities" in refused.json()["details"]
    assert list(provider.service_cities.all()) == [kept]


def test_operators_edit_case_studies_and_packages_through_the_services(client, provider, operator):
    client.force_login(operator)
    created = client.post(
        reverse("admin:providers_servicepackage_add"),
        {"provider": provider.pk, "name": "运营代建套餐", "area": "store_ops", "level": "basic", "price": "99.00"},
    )
    assert created.status_code == 302
    with all_providers():
        package = ServicePackage.objects.get(name="运营代建套餐")
    edited = client.post(
        reverse("admin:providers_servicepackage_change", args=[package.pk]),
        {"name": "运营代建套餐", "area": "store_ops", "level": "basic", "price": "-1"},
    )
    assert edited.status_code == 200  # refused by the model's check, and said so on the page
    client.post(
        reverse("admin:providers_servicepackage_change", args=[package.pk]),
        {"name": "门店代运营套餐", "area": "store_ops", "level": "basic", "price": "199.00"},
    )
    client.post(reverse("admin:providers_servicepackage_delete", args=[package.pk]), {"post": "yes"})
    events = AuditEvent.objects.filter(object_type="providers.servicepackage").order_by("pk")
    assert [(event.action, event.actor, event.actor_kind) for event in events] == [
        ("service_package.save", operator, "operator"),
        ("service_package.save", operator, "operator"),
        ("service_package.delete", operator, "operator"),
    ]
    assert events[1].after["name"] == "门店代运营套餐" and events[1].after["price"] == "199.00"
    with all_providers():
        assert not ServicePackage.objects.exists()


def test_a_member_changing_licence_fields_is_told_which_by_their_names(member, provider):
    owner = member(Role.OWNER)
    with translation.override("zh-hans"), provider_scope(provider), pytest.raises(PermissionDeniedError) as refused:
        provider_update(actor=Actor.member(owner), provider=provider, data={"name": "新名字", "credit_code": "x"})
    assert str(refused.value.message) == "只有平台运营人员可以修改：统一社会信用代码、名称。"
    assert refused.value.details == {"fields": ["credit_code", "name"]}
