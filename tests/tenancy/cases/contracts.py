"""Isolation cases of the contracts domain's contracts routes (merged into tests/tenancy/test_isolation.py);
the shapes are those of tests/tenancy/cases/requests.py."""

PROVIDER_ROUTES = {}
MERCHANT_ROUTES = {}
NOT_OWNED_ROUTES = {}
OWNER_OF = {}
