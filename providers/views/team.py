from linke.portal import ProviderDetailView, ProviderListView

from ..models import Membership


class TeamView(ProviderListView):
    model = Membership
    template_name = "portal/team.html"
    context_object_name = "memberships"

    def scope_queryset(self, queryset):
        return queryset.select_related("user").order_by("created_at", "pk")


class TeamMemberView(ProviderDetailView):
    model = Membership
    template_name = "portal/team_member.html"
    context_object_name = "membership"

    def scope_queryset(self, queryset):
        return queryset.select_related("user")
