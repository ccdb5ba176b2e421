"""Reads of cooperation requests, for both sides; each takes the channel's scoped queryset, so a provider
sees its inbox and a merchant the requests it sent, and nothing else."""

from django.db.models import Prefetch, QuerySet

from ..choices import RequestStatus
from ..models import CooperationRequestStore, Store


def _with_stores(queryset: QuerySet) -> QuerySet:
    """The stores of each request in one more query. Through the request's own rows, not `Store`'s scoped
    manager: the provider has no merchant scope, and sees only the stores a request it may see names."""
    stores = CooperationRequestStore.objects.select_related(
        "store__city", "store__district", "store__category"
    ).order_by("store__name", "store_id")
    return queryset.prefetch_related(Prefetch("request_stores", queryset=stores))


def request_inbox(queryset: QuerySet) -> QuerySet:
    """The provider's inbox: newest first, with the merchant and the stores."""
    return _with_stores(queryset.select_related("merchant").order_by("-created_at", "-pk"))


def request_sent_list(queryset: QuerySet) -> QuerySet:
    """The requests a merchant sent: newest first, with the provider and the stores."""
    return _with_stores(queryset.select_related("provider").order_by("-created_at", "-pk"))


def request_detail(queryset: QuerySet) -> QuerySet:
    """One request with everything its page shows (both sides)."""
    return _with_stores(queryset.select_related("merchant", "provider", "answered_by__user"))


def request_unread_count(queryset: QuerySet) -> int:
    """Open requests nobody at the provider has opened yet (the inbox's badge)."""
    return queryset.filter(status=RequestStatus.OPEN, read_at__isnull=True).count()


def store_choices(merchant) -> QuerySet:
    """The merchant's own stores, as the send form offers them (inside the merchant's scope)."""
    return Store.objects.filter(merchant=merchant).select_related("city").order_by("name", "pk")
