"""Isolation cases of the merchants domain's accounts routes (merged into tests/tenancy/test_isolation.py).

PROVIDER_ROUTES: route -> (make(membership) -> object of membership.provider, marker(obj), methods)
MERCHANT_ROUTES: route -> (make(merchant) -> object of that merchant, marker(obj), methods)
NOT_OWNED_ROUTES: route -> why nothing is owned there
OWNER_OF: route -> owner(obj), when the owner is not obj.provider_id (provider routes) / obj.merchant_id

Both detail routes are read-only (other methods answer 405 before any lookup). The reassign endpoints
(`portal:account_reassign`, `api:account-reassign`) name no object in their URL: another provider's
assignment ids in their body are refused in tests/merchants/test_accounts_views.py."""

from linke.actors import Actor
from merchants.services.accounts import account_ensure
from providers.tenancy import provider_scope

from ...factories import LeadFactory
from .requests import reference_rows


def looked_after(membership):
    """A merchant the membership's provider looks after, assigned to that member (the probing owner sees
    every one); its merchant name is unique."""
    city, category = reference_rows()
    lead = LeadFactory(city=city, category=category, merchant_name=f"跟进商家-{membership.user.email}")
    with provider_scope(membership.provider):
        return account_ensure(
            actor=Actor.system(), provider=membership.provider, lead=lead, member=membership, why="claimed"
        )


def merchant_name(assignment):
    return assignment.lead.merchant_name


PROVIDER_ROUTES = {
    "portal:account_detail": (looked_after, merchant_name, ("get",)),
    "api:account-detail": (looked_after, merchant_name, ("get",)),
}
MERCHANT_ROUTES = {}
NOT_OWNED_ROUTES = {}
OWNER_OF = {}
