from types import SimpleNamespace

import django_ratelimit.core
import pytest
from django.test import Client
from django.utils import translation
from django.utils.functional import empty

from linke.tenancy import all_providers
from providers.choices import Role
from providers.models import private_storage
from reference.models import Category, Region, ServiceCity, Track

from .factories import MembershipFactory, MerchantFactory, ProviderFactory, UserFactory


@pytest.fixture
def provider(db):
    return ProviderFactory(name="阿尔法服务商")


@pytest.fixture
def other_provider(db):
    return ProviderFactory(name="贝塔服务商")


@pytest.fixture
def member(db, provider):
    """`member(role)` creates a user with that role in `provider` (or `provider=`)."""

    def make(role=Role.BD, provider=provider, **kwargs):
        with all_providers():
            return MembershipFactory(provider=provider, role=role, **kwargs)

    return make


@pytest.fixture
def user(db):
    return UserFactory()


def client_for_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def client_for(membership) -> Client:
    return client_for_user(membership.user)


@pytest.fixture
def portal_client(member):
    """A logged-in client acting for `provider` as its owner."""
    return client_for(member(Role.OWNER))


@pytest.fixture
def private_media(settings, tmp_path):
    """Private uploads go to a temporary MEDIA_ROOT (the storage is resolved lazily, once)."""
    settings.MEDIA_ROOT = tmp_path
    private_storage._wrapped = empty
    yield tmp_path
    private_storage._wrapped = empty


@pytest.fixture
def cities(db):
    """Two service cities: 福州 (in 福建) and 北京 (a municipality)."""
    fujian = Region.objects.create(code="350000", name="福建省", level=1)
    fuzhou = Region.objects.create(code="350100", name="福州市", level=2, parent=fujian)
    beijing = Region.objects.create(code="110000", name="北京市", level=1)
    return [
        ServiceCity.objects.create(
            region=fuzhou,
            name="福州市",
            name_en="Fuzhou",
            name_pinyin="fuzhoushi",
            name_initials="fzs",
            province=fujian,
        ),
        ServiceCity.objects.create(
            region=beijing, name="北京市", name_en="Beijing", name_pinyin="beijingshi", name_initials="bjs"
        ),
    ]


@pytest.fixture
def tracks(db):
    return [
        Track.objects.create(slug="dining", name="餐饮", name_en="Dining", position=1),
        Track.objects.create(slug="beauty", name="丽人", name_en="Beauty", position=2),
    ]


@pytest.fixture
def categories(tracks):
    """Sub-categories by slug: 火锅 hotpot and 烧烤 bbq (industry 美食, track 餐饮), 美甲 nails (丽人)."""
    food = Category.objects.create(slug="food", name="美食", name_en="Food")
    beauty = Category.objects.create(slug="beauty-industry", name="丽人", name_en="Beauty")
    made = {
        "hotpot": Category.objects.create(slug="hotpot", name="火锅", name_en="Hotpot", parent=food),
        "bbq": Category.objects.create(slug="bbq", name="烧烤", name_en="Barbecue", parent=food),
        "nails": Category.objects.create(slug="nails", name="美甲美睫", name_en="Nails & Lashes", parent=beauty),
    }
    tracks[0].categories.set([made["hotpot"], made["bbq"]])  # as the loader does: a track groups sub-categories
    tracks[1].categories.set([made["nails"]])
    return made


@pytest.fixture
def districts(cities):
    """Counties of 福州市: 鼓楼区 and 台江区."""
    fuzhou = cities[0].region
    return [
        Region.objects.create(code="350102", name="鼓楼区", level=3, parent=fuzhou),
        Region.objects.create(code="350103", name="台江区", level=3, parent=fuzhou),
    ]


@pytest.fixture
def merchant(db):
    return MerchantFactory(name="演示餐饮有限公司")


@pytest.fixture
def other_merchant(db):
    return MerchantFactory(name="别家美甲有限公司")


@pytest.fixture
def merchant_client(merchant):
    """A logged-in client of `merchant`'s owner."""
    return client_for_user(merchant.owner)


@pytest.fixture
def operator(db):
    return UserFactory(email="operator@linke.test", is_staff=True, is_superuser=True)


@pytest.fixture
def english(settings):
    """Messages asserted in English whatever the default language (Chinese) and its catalogue say: in the
    test itself, and in the pages and API answers of requests that name no language."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def frozen_rate_window(monkeypatch):
    """The limits count per fixed window: freeze django-ratelimit's clock so a test never straddles two."""
    monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: 1_800_000_000.0))
