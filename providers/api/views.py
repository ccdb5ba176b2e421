from rest_framework import mixins

from linke.api import ProviderScopedViewSet

from ..models import Membership
from .serializers import MembershipOutputSerializer


class TeamViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProviderScopedViewSet):
    """Members of the current provider."""

    model = Membership
    serializer_class = MembershipOutputSerializer
    filterset_fields = ["role", "is_active"]

    def scope_queryset(self, queryset):
        return queryset.select_related("user").order_by("created_at", "pk")
