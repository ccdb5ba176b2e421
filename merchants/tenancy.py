"""The merchant dimension of the one tenancy mechanism (`linke.tenancy`), and the rows a provider and a
merchant share (leads, contracts, deliverables, reviews).

* `MerchantScopedModel`: a merchant's own rows (stores, requests); fail closed outside a merchant scope.
* `SharedScopedModel`: a row of one provider and one merchant, seen by the provider in its scope and by
  the merchant in its scope, through one manager; outside both it fails closed.
* `merchant_scope(merchant)`: entered by the merchant portal (`merchants.views.base`) for the signed-in
  user's merchant, and left when the page is done.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from linke.actors import Actor
from linke.tenancy import scoped_manager, tenant_scope


class MerchantScopedModel(models.Model):
    """Abstract base for every row owned by one merchant."""

    merchant = models.ForeignKey("merchants.Merchant", verbose_name=_("merchant"), on_delete=models.CASCADE)

    objects = scoped_manager(merchant="merchant")

    class Meta:
        abstract = True


class SharedScopedModel(models.Model):
    """Abstract base for a row that belongs to a provider and a merchant at once."""

    provider = models.ForeignKey("providers.Provider", verbose_name=_("provider"), on_delete=models.CASCADE)
    merchant = models.ForeignKey("merchants.Merchant", verbose_name=_("merchant"), on_delete=models.CASCADE)

    objects = scoped_manager(provider="provider", merchant="merchant")

    class Meta:
        abstract = True


def merchant_scope(merchant):
    """Context manager: scoped queries inside it see one merchant's rows (a `Merchant` or its id)."""
    return tenant_scope(merchant=getattr(merchant, "pk", merchant))


def is_merchant(user) -> bool:
    """Whether the user has a merchant account (a login lands them in the merchant centre)."""
    from .models import Merchant

    return user.is_authenticated and Merchant.objects.filter(owner=user).exists()


def resolve_merchant_channel(request, user) -> None:
    """Set `request.merchant` (the signed-in user's merchant, or None) and `request.actor`."""
    from .models import Merchant

    merchant = Merchant.objects.filter(owner=user).first()
    request.merchant = merchant
    request.actor = Actor.for_merchant(merchant, user=user) if merchant else Actor.for_user(user)
