"""The provider dimension of the one tenancy mechanism (`linke.tenancy`).

* `ProviderScopedModel`: every provider-owned row; its manager fails closed outside a provider scope.
* `provider_scope(provider)`: the scope of one provider, entered by the channels:
  the portal pages (`providers.views.base`), the API (`providers.api.base`, after DRF authentication),
  tasks (`provider_task`); operators' admin uses `all_providers()`.
* `resolve_provider_channel(request)`: which provider a signed-in user acts for (the one chosen with the
  switcher, else their first), shared by the portal and the session-authenticated API.

Two things to know when adding a channel: a streaming response (CSV export) is iterated after the
view's scope has closed, so its generator must enter `provider_scope()` itself; and an API-key
authenticator sets the provider from the key, in the same place as the session's (`ProviderAPIMixin`).
"""

import functools
import inspect

from django.db import models
from django.utils.translation import gettext_lazy as _

from linke.actors import Actor
from linke.celery import Queue, task
from linke.tenancy import scoped_manager, tenant_scope

SESSION_KEY = "linke_provider_id"


def provider_manager(queryset_class: type[models.QuerySet] = models.QuerySet):
    """The fail-closed manager of a provider-owned model, with its queryset's named filters."""
    return scoped_manager(queryset_class, provider="provider")


class ProviderScopedModel(models.Model):
    """Abstract base for every row owned by one provider."""

    provider = models.ForeignKey("providers.Provider", verbose_name=_("provider"), on_delete=models.CASCADE)

    objects = provider_manager()

    class Meta:
        abstract = True


def provider_scope(provider):
    """Context manager: scoped queries inside it see one provider's rows (a `Provider` or its id)."""
    return tenant_scope(provider=getattr(provider, "pk", provider))


def session_membership(request, user) -> tuple[list, object | None]:
    """The user's active memberships and the one acted for: the provider chosen with the switcher, else
    their first (None when they are in no provider)."""
    from .selectors import membership_list

    memberships = membership_list(user=user)
    chosen = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    return memberships, next(
        (m for m in memberships if m.provider_id == chosen), memberships[0] if memberships else None
    )


def resolve_provider_channel(request, user) -> None:
    """Set `request.memberships`, `request.membership` and `request.provider` (the one acted for) and
    `request.actor`. Enters no scope: the channel does."""
    memberships, membership = session_membership(request, user)
    request.memberships, request.membership = memberships, membership
    request.provider = membership.provider if membership else None
    request.actor = Actor.member(membership) if membership else Actor.for_user(user)


def is_member(user) -> bool:
    """Whether the user acts for a provider (a login lands them in the portal)."""
    from .selectors import membership_list

    return bool(membership_list(user=user))


def choose_provider(request, provider_id) -> bool:
    """Switch the session to another provider of the user; False if the user is not a member."""
    from .selectors import membership_list

    if any(m.provider_id == provider_id for m in membership_list(user=request.user)):
        request.session[SESSION_KEY] = provider_id
        return True
    return False


def provider_task(*, queue: Queue, **options):
    """`@provider_task(queue=Queue.SLA)`: a task for one provider, run inside its scope. The task takes a
    `provider_id` argument; called without one (or with None) it raises instead of running unscoped."""

    def decorate(function):
        signature = inspect.signature(function)
        if "provider_id" not in signature.parameters:
            raise TypeError(f"{function.__qualname__} is a provider task: it must take provider_id")

        @functools.wraps(function)
        def run_in_scope(*args, **kwargs):
            provider_id = signature.bind(*args, **kwargs).arguments["provider_id"]
            with provider_scope(provider_id):
                return function(*args, **kwargs)

        # Celery checks a call's arguments when it is queued, from the signature: make it the task's own.
        run_in_scope.__signature__ = signature
        return task(queue=queue, **options)(run_in_scope)

    return decorate
