"""Tenancy: the one mechanism that scopes provider-owned data.

Every provider-owned model subclasses `ProviderScopedModel`; its default manager is a
django-scopes `ScopedManager`. A query on it **raises `ScopeError` unless a provider scope is
active** (fail closed) and, inside a scope, returns only that provider's rows. The scope is
entered once per channel:

* portal and session API requests: `TenantMiddleware` (from the session's chosen membership);
* Celery tasks and services run outside a request: `with provider_scope(provider_id): ...`;
* operators' admin, the public verification page and set-based batch jobs: `all_providers()`,
  the one deliberate bypass, named so that it stands out in review.

Why django-scopes rather than PostgreSQL row-level security: RLS needs a per-transaction
`SET` on every pooled connection and makes every operator and batch query fight the policy;
the application-level scope gives the same fail-closed guarantee for code paths that go through
the ORM and is testable without a second database role. Raw SQL must filter by provider itself.

Two things to know when adding a channel: a streaming response (CSV export) is iterated after the
middleware's scope has closed, so its generator must enter `provider_scope()` itself; and API-key
authentication (open interface) happens inside DRF, after the middleware, so it must set
`request.provider` and enter the scope there.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager, scope, scopes_disabled
from django_scopes.exceptions import ScopeError
from django_scopes.manager import DisabledQuerySet

__all__ = ["ProviderScopedModel", "ScopeError", "TenantMiddleware", "all_providers", "provider_scope"]

SESSION_KEY = "linke_provider_id"


class _ClosedQuerySet(DisabledQuerySet):
    """django-scopes' outside-a-scope queryset, closed also for the methods it leaves open
    (`exists()` would otherwise answer across every tenant)."""

    exists = aexists = contains = acontains = explain = in_bulk = DisabledQuerySet.error
    __aiter__ = aiterator = DisabledQuerySet.error


class ProviderScopedManager(ScopedManager(provider="provider").__class__):
    """Outside a provider scope every query raises; inside one it sees that provider's rows only."""

    def get_queryset(self):
        queryset = super().get_queryset()
        if isinstance(queryset, DisabledQuerySet):
            queryset.__class__ = _ClosedQuerySet
        return queryset


class ProviderScopedModel(models.Model):
    """Abstract base for every row owned by one provider."""

    provider = models.ForeignKey("providers.Provider", verbose_name=_("provider"), on_delete=models.CASCADE)

    objects = ProviderScopedManager()

    class Meta:
        abstract = True


def provider_scope(provider):
    """Context manager: scoped queries inside it see one provider's rows (a `Provider` or its id)."""
    provider_id = getattr(provider, "pk", provider)
    if provider_id is None:
        # scope(provider=None) would disable filtering in django-scopes: refuse instead.
        raise ScopeError("provider_scope() needs a provider")
    return scope(provider=provider_id)


def all_providers():
    """Context manager: the deliberate, cross-tenant bypass (operators, public lookups, batch jobs)."""
    return scopes_disabled()


def memberships_of(user):
    """The active memberships of a user in providers that are not terminated (cross-tenant by design)."""
    from providers.choices import ProviderStatus
    from providers.models import Membership

    if not user.is_authenticated:
        return []
    with all_providers():
        return list(
            Membership.objects.filter(user=user, is_active=True)
            .exclude(provider__status=ProviderStatus.TERMINATED)
            .select_related("provider")
            .order_by("provider__name")
        )


def choose_provider(request, provider_id) -> bool:
    """Switch the session to another provider of the user; False if the user is not a member."""
    if any(m.provider_id == provider_id for m in memberships_of(request.user)):
        request.session[SESSION_KEY] = provider_id
        return True
    return False


class TenantMiddleware:
    """Resolves `request.provider` / `request.membership` / `request.memberships` once per
    request and runs the rest of the request inside that provider's scope."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/" + settings.ADMIN_URL.strip("/") + "/"

    def __call__(self, request):
        request.provider = request.membership = None
        request.memberships = []
        if request.path.startswith(self.admin_prefix) and request.user.is_authenticated and request.user.is_staff:
            # Operators see every tenant in the admin.
            with all_providers():
                return self.get_response(request)
        request.memberships = memberships_of(request.user)
        if not request.memberships:
            return self.get_response(request)
        chosen = request.session.get(SESSION_KEY)
        membership = next((m for m in request.memberships if m.provider_id == chosen), request.memberships[0])
        request.membership, request.provider = membership, membership.provider
        with provider_scope(membership.provider_id):
            return self.get_response(request)
