"""Isolation cases of the merchants domain's centre routes (merged into tests/tenancy/test_isolation.py).

PROVIDER_ROUTES: route -> (make(membership) -> object of membership.provider, marker(obj), methods)
MERCHANT_ROUTES: route -> (make(merchant) -> object of that merchant, marker(obj), methods)
NOT_OWNED_ROUTES: route -> why nothing is owned there
OWNER_OF: route -> owner(obj), when the owner is not obj.provider_id (provider routes) / obj.merchant_id"""

from ...factories.merchants import StoreFactory


def store(merchant):
    """A store of `merchant`, in 福州市 (hotpot), with a name that says whose it is."""
    from reference.models import Category, Region, ServiceCity

    region, _ = Region.objects.get_or_create(code="350100", defaults={"name": "福州市", "level": 2})
    city, _ = ServiceCity.objects.get_or_create(region=region, defaults={"name": "福州市", "name_pinyin": "fuzhoushi"})
    food, _ = Category.objects.get_or_create(slug="food", defaults={"name": "美食", "name_en": "Food"})
    hotpot, _ = Category.objects.get_or_create(
        slug="hotpot", defaults={"name": "火锅", "name_en": "Hotpot", "parent": food}
    )
    return StoreFactory(merchant=merchant, city=city, category=hotpot, name=f"门店-{merchant.name}")


def store_name(store):
    return store.name


PROVIDER_ROUTES = {}
MERCHANT_ROUTES = {
    # POST without data: the own store's form comes back with its errors (200), the foreign one is 404.
    "merchant:store_edit": (store, store_name, ("get", "post")),
    "api:merchant-store-detail": (store, store_name, ("get", "patch")),
}
NOT_OWNED_ROUTES = {
    "api:reference-city-districts": "reference data (the districts of a service city), the same for every "
    "signed-in user; tested in tests/merchants/test_centre_api.py",
}
OWNER_OF = {}
