"""Isolation cases of the merchants domain's leads routes (merged into tests/tenancy/test_isolation.py).

PROVIDER_ROUTES: route -> (make(membership) -> object of membership.provider, marker(obj), methods)
MERCHANT_ROUTES: route -> (make(merchant) -> object of that merchant, marker(obj), methods)
NOT_OWNED_ROUTES: route -> why nothing is owned there
OWNER_OF: route -> owner(obj), when the owner is not obj.provider_id (provider routes) / obj.merchant_id"""

PROVIDER_ROUTES = {}
MERCHANT_ROUTES = {}
NOT_OWNED_ROUTES = {}
OWNER_OF = {}
