"""The generic scoping primitive: fail-closed managers over tenant dimensions, and the one bypass.

An owned model declares the dimensions it belongs to, each with its lookup, e.g.
`objects = scoped_manager(provider="provider")` (a provider's row), `scoped_manager(merchant="merchant")`
(a merchant's row) or `scoped_manager(provider="provider", merchant="merchant")` (a row two owners
share, such as a lead or a contract). A query through such a manager

* **raises `ScopeError`** unless at least one of its dimensions is in scope (fail closed);
* inside a scope, is filtered by every one of its dimensions that is in scope, so each side of a
  shared row sees it in its own scope and nothing else;
* raises too when a dimension was opened with anything but an id: django-scopes reads
  `scope(provider=None)` as "unfiltered", and here that mistake can only ever fail.

Scopes are entered where each channel authenticates (the provider portal, the API, the merchant
portal, tasks: see `providers.tenancy` and `merchants.tenancy`), through `tenant_scope()`, and left in
`finally`. The only bypass is `all_providers()` (operators in the admin, public lookups, set-based batch
jobs), named so that it stands out in review. What the managers do not see: raw SQL (it must filter by
owner itself), joins into another model's rows (`provider__membership__...` reads through the other
model's table, not its manager) and writes (`create()` takes the owner it is given).

Why django-scopes underneath rather than PostgreSQL row-level security: RLS needs a per-transaction
`SET` on every pooled connection and makes every operator and batch query fight the policy; the
ORM-level scope gives the same fail-closed guarantee for code that goes through the ORM and is testable
without a second database role. django-scopes keeps the scope state (a context variable, so threads and
async tasks never share it); the managers are ours, because django-scopes' own require every dimension
at once (no shared rows), leave `exists()`/`in_bulk()` open and offer per-manager bypasses.
"""

from functools import cache

from django.db import models
from django.db.models.sql import Query
from django_scopes import scope, scopes_disabled
from django_scopes.exceptions import ScopeError
from django_scopes.state import get_scope

__all__ = ["ScopeError", "all_providers", "current_scope", "scoped_manager", "tenant_scope"]


def _refuse(model) -> ScopeError:
    return ScopeError(f"{model._meta.label} rows can only be read inside a scope of their owner.")


class ClosedQuery(Query):
    """The SQL of a closed queryset: it cannot be compiled, so it cannot run hidden inside another query
    either (`pk__in=`, `Exists()`, `|`) where the queryset's own methods are never called."""

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        raise _refuse(self.model)


class ClosedQuerySet(models.QuerySet):
    """What a scoped manager returns outside every scope of its model: a query may be built (and
    `none()` or `create()` used), but running it raises, alone or as part of another query."""

    open_class = models.QuerySet

    def _closed(self, *args, **kwargs):
        raise _refuse(self.model)

    def none(self):
        empty = super().none()
        empty.__class__, empty.query.__class__ = self.open_class, Query  # an empty result reveals nothing
        return empty

    _fetch_all = iterator = aiterator = __aiter__ = _closed
    count = acount = exists = aexists = contains = acontains = _closed
    get = aget = aggregate = aaggregate = in_bulk = ain_bulk = explain = aexplain = _closed
    update = aupdate = delete = adelete = bulk_update = abulk_update = _closed
    get_or_create = aget_or_create = update_or_create = aupdate_or_create = raw = _closed


@cache
def _closed_class(queryset_class: type[models.QuerySet]) -> type[models.QuerySet]:
    """The closed variant of an app's queryset class, so its named filters (`pending()`) still chain."""
    return type(f"Closed{queryset_class.__name__}", (ClosedQuerySet, queryset_class), {"open_class": queryset_class})


class ScopedManager(models.Manager):
    """See the module docstring. `dimensions` ({dimension: lookup}) is a class attribute so that the
    related managers Django derives from this class (`provider.membership_set`) keep it."""

    dimensions: dict[str, str] = {}

    def get_queryset(self):
        queryset = super().get_queryset()
        current = get_scope()
        if current.get("_enabled") is False:  # inside all_providers()
            return queryset
        present = {dimension: current[dimension] for dimension in self.dimensions if dimension in current}
        if not present:
            closed = queryset._chain()
            closed.__class__, closed.query.__class__ = _closed_class(type(queryset)), ClosedQuery
            return closed
        for dimension, value in present.items():
            if not _is_id(value):
                raise ScopeError(f"the {dimension} scope was opened with {value!r}, not an id")
        return queryset.filter(**{self.dimensions[dimension]: value for dimension, value in present.items()})


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def scoped_manager(queryset_class: type[models.QuerySet] = models.QuerySet, /, **dimensions: str) -> ScopedManager:
    """A fail-closed manager over `dimensions` ({dimension: lookup}), with `queryset_class`'s named filters."""
    if not dimensions:
        raise TypeError("scoped_manager() needs at least one dimension")
    base = ScopedManager.from_queryset(queryset_class) if queryset_class is not models.QuerySet else ScopedManager
    name = "ScopedManager" + "".join(dimension.title() for dimension in dimensions)
    return type(name, (base,), {"dimensions": dict(dimensions)})()


def tenant_scope(**dimensions: int):
    """Context manager: scoped queries inside it see the rows of these owners (ids). Refuses anything
    but an id, so no code path can open a dimension as "unfiltered"."""
    for dimension, value in dimensions.items():
        if not _is_id(value):
            raise ScopeError(f"tenant_scope() needs an id for {dimension}, not {value!r}")
    return scope(**dimensions)


def current_scope() -> dict:
    """The scope state now: {} outside any scope (what every channel must leave behind)."""
    return dict(get_scope())


def all_providers():
    """Context manager: the deliberate bypass of every tenant dimension (providers and merchants alike):
    operators, public lookups and set-based batch jobs."""
    return scopes_disabled()
