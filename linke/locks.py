"""Row locks, written one way (saleor's `lock_objects` style).

Rows are locked in primary-key order, so two transactions locking overlapping sets queue up instead of
deadlocking, and only the model's own rows are locked (`of=("self",)`): rows joined with
`select_related` are read, not locked. Call inside the service's `transaction.atomic()`."""

from django.db import models


def lock(queryset: models.QuerySet) -> models.QuerySet:
    """`queryset`'s rows, locked for update when it is evaluated."""
    return queryset.select_for_update(of=("self",)).order_by("pk")


def relock(obj: models.Model, *select_related: str) -> models.Model:
    """`obj` read again under a row lock, as it is now, through its model's default (scoped) manager:
    raises `DoesNotExist` when it is gone or outside the current scope."""
    return lock(type(obj)._default_manager.select_related(*select_related)).get(pk=obj.pk)


def hold(obj: models.Model) -> models.Model:
    """`obj` read again under a lock that keeps it as it is until the transaction ends, while rows that
    refer to it can still be written (FOR NO KEY UPDATE): taken on a parent whose state a service relies
    on, such as a provider's standing while someone joins it. Take it before the rows that refer to it."""
    return type(obj)._default_manager.select_for_update(of=("self",), no_key=True).get(pk=obj.pk)
