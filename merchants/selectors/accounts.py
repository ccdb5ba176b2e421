"""跟进人 reads: the merchants a provider looks after, who may see which, their filters and their history."""

import django_filters
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from providers.models import Membership
from providers.permissions import MATRIX, Action, can
from reference.models import ServiceCity

from ..choices import ClaimStatus
from ..models import AccountAssignment, LeadClaim


def account_list(*, membership, queryset=None):
    """The active assignments of the current provider that `membership` may see: all of them for the owner
    and admins, their own for everyone else (a bd sees the merchants assigned to them). Each row carries
    what the list shows (merchant, city, category, owner) and `held_until`: the end of the provider's
    active claim on the lead, or None when it is not held. Newest first."""
    queryset = AccountAssignment.objects.all() if queryset is None else queryset
    queryset = queryset.filter(ended_at__isnull=True)
    if not can(membership, Action.VIEW_ALL_ACCOUNTS):
        queryset = queryset.filter(member=membership)
    return account_rows(queryset).order_by("-assigned_at", "-pk")


def account_rows(queryset):
    """`queryset` with what a row of the list or the detail shows, in the same query."""
    held_until = LeadClaim.objects.filter(
        provider=OuterRef("provider"), lead=OuterRef("lead"), status=ClaimStatus.ACTIVE
    ).values("expires_at")[:1]
    return queryset.select_related("lead__city", "lead__category", "lead__district", "member__user").annotate(
        held_until=Subquery(held_until)
    )


def account_detail_list(*, membership, queryset=None):
    """The assignments whose page `membership` may open: every row of the provider (ended ones too) for the
    owner and admins; for everyone else the active ones assigned to them."""
    queryset = AccountAssignment.objects.all() if queryset is None else queryset
    if not can(membership, Action.VIEW_ALL_ACCOUNTS):
        queryset = queryset.filter(member=membership, ended_at__isnull=True)
    return account_rows(queryset)


def account_history(assignment) -> list[AccountAssignment]:
    """Every account owner the provider gave this merchant, oldest first: who, from, until, assigned by whom."""
    return list(
        AccountAssignment.objects.filter(provider_id=assignment.provider_id, lead_id=assignment.lead_id)
        .select_related("member__user", "assigned_by")
        .order_by("assigned_at", "pk")
    )


def account_owner_choices():
    """The members of the current provider who may be given merchants: active, with a role that works them
    (as `merchants.services.accounts.may_own_accounts` checks), by name."""
    return (
        Membership.objects.active()
        .filter(role__in=MATRIX[Action.CLAIM_LEADS])
        .select_related("user")
        .order_by("user__display_name", "pk")
    )


class AccountFilter(django_filters.FilterSet):
    """The list's filters, in the URL, for the portal page and the API alike: account owner, city, held or not."""

    owner = django_filters.ModelChoiceFilter(
        field_name="member",
        label=_("Account owner"),
        queryset=lambda request: Membership.objects.active().select_related("user").order_by("user__display_name"),
    )
    city = django_filters.ModelChoiceFilter(
        field_name="lead__city", label=_("City"), queryset=lambda request: ServiceCity.objects.order_by("name")
    )
    held = django_filters.BooleanFilter(
        field_name="held_until", lookup_expr="isnull", exclude=True, label=_("Held as a lead")
    )

    class Meta:
        model = AccountAssignment
        fields = ["owner", "city", "held"]
