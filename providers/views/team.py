"""The team page (members, invitations, roles, deactivation, ownership) and accepting an invitation."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from linke.actors import Actor
from linke.errors import ApplicationError
from linke.http import id_or_none

from .. import handover
from ..forms import InvitationForm, MemberRoleForm
from ..models import Invitation, Membership
from ..permissions import Action, can
from ..selectors import invitation_get_by_token, invitation_list_outstanding
from ..services.team import (
    ASSIGNABLE_ROLE_CHOICES,
    invitation_accept,
    invitation_create,
    invitation_problem,
    invitation_revoke,
    membership_change_role,
    membership_deactivate,
    membership_reactivate,
    ownership_transfer,
)
from ..tenancy import choose_provider
from .base import ProviderDetailView, ProviderListView, ProviderView


def team_permissions(membership) -> dict:
    """What the member may do on the team pages (the buttons shown; the views check again)."""
    return {
        "can_manage_team": can(membership, Action.MANAGE_TEAM),
        "can_transfer_ownership": can(membership, Action.TRANSFER_OWNERSHIP),
        "role_choices": ASSIGNABLE_ROLE_CHOICES,
    }


class TeamView(ProviderListView):
    model = Membership
    template_name = "providers/team/index.html"
    context_object_name = "memberships"

    def scope_queryset(self, queryset):
        return (
            queryset.select_related("user")
            .only("pk", "provider_id", "role", "is_active", "created_at", "user__display_name", "user__email")
            .order_by("created_at", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs) | team_permissions(self.request.membership)
        if context["can_manage_team"]:
            context.setdefault("invitation_form", InvitationForm())
            context["invitations"] = invitation_list_outstanding()
        return context


class InvitationCreateView(TeamView):
    """The team page's invite form; on an error the page is shown again with what was typed."""

    required_action = Action.MANAGE_TEAM
    http_method_names = ["post"]

    def post(self, request):
        form = InvitationForm(request.POST)
        if form.is_valid():
            try:
                invitation, _token = invitation_create(
                    actor=request.actor, provider=request.provider, **form.cleaned_data
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
                return redirect("portal:team")
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data(invitation_form=form))


class TeamMemberView(ProviderDetailView):
    model = Membership
    template_name = "providers/team/member.html"
    context_object_name = "membership"

    def scope_queryset(self, queryset):
        return queryset.select_related("user")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs) | team_permissions(self.request.membership)
        membership = self.object
        if context["can_manage_team"] and membership.is_active:
            # What the member holds must go to someone: the deactivate form asks to whom.
            context["holdings"] = [label for label, _count in handover.holdings_of(membership)]
            if context["holdings"]:
                others = Membership.objects.active().exclude(pk=membership.pk).select_related("user", "provider")
                context["successors"] = [
                    m for m in others.order_by("created_at") if handover.may_take_over(membership, m)
                ]
        return context


class TeamActionView(ProviderView):
    """A POST from the team page on one object; the outcome is a message on the team page."""

    required_action = Action.MANAGE_TEAM

    def act(self, request, obj) -> str:
        """Call the service; return the success message (an `ApplicationError` becomes an error message)."""
        raise NotImplementedError

    def post(self, request, pk):
        obj = self.get_object(pk)
        try:
            messages.success(request, self.act(request, obj))
        except ApplicationError as error:
            messages.error(request, error.message)
        return redirect("portal:team")


class MemberRoleView(TeamActionView):
    model = Membership

    def act(self, request, obj):
        form = MemberRoleForm(request.POST)
        if not form.is_valid():
            raise ApplicationError(_("Choose one of the roles offered."))
        membership = membership_change_role(actor=request.actor, membership=obj, role=form.cleaned_data["role"])
        return _("%(member)s is now %(role)s.") % {"member": membership.user, "role": membership.get_role_display()}


class MemberDeactivateView(TeamActionView):
    model = Membership

    def act(self, request, obj):
        successor = None
        if successor_id := request.POST.get("successor"):
            # Another provider's or a made-up id is no successor: the service then says one is needed.
            successor = Membership.objects.filter(pk=pk).first() if (pk := id_or_none(successor_id)) else None
        membership = membership_deactivate(actor=request.actor, membership=obj, successor=successor)
        return _("%(member)s has been deactivated.") % {"member": membership.user}


class MemberReactivateView(TeamActionView):
    model = Membership

    def act(self, request, obj):
        membership = membership_reactivate(actor=request.actor, membership=obj)
        return _("%(member)s is active again.") % {"member": membership.user}


class OwnershipTransferView(TeamActionView):
    model = Membership
    required_action = Action.TRANSFER_OWNERSHIP

    def act(self, request, obj):
        membership = ownership_transfer(actor=request.actor, provider=request.provider, to_membership=obj)
        return _("%(member)s is now the owner; you are an admin.") % {"member": membership.user}


class InvitationRevokeView(TeamActionView):
    model = Invitation

    def act(self, request, obj):
        invitation = invitation_revoke(actor=request.actor, invitation=obj)
        return _("The invitation to %(email)s has been withdrawn.") % {"email": invitation.email}


class InvitationAcceptView(ProviderView):
    """The link in the invitation email. Not a provider page: the invitee may belong to none yet.
    Anonymous visitors log in (or sign up) first and come back here."""

    provider_required = False

    template_name = "providers/team/accept.html"

    def render_page(self, request, invitation, problem):
        context = {"invitation": invitation, "problem": problem}
        return render(request, self.template_name, context, status=400 if problem else 200)

    def get(self, request, token):
        invitation = invitation_get_by_token(token)
        return self.render_page(request, invitation, invitation_problem(invitation, request.user))

    def post(self, request, token):
        try:
            membership = invitation_accept(actor=Actor.for_user(request.user), token=token)
        except ApplicationError as error:
            return self.render_page(request, None, error.message)
        choose_provider(request, membership.provider_id)
        messages.success(
            request,
            _("Welcome to %(provider)s! You joined as %(role)s.")
            % {"provider": membership.provider.name, "role": membership.get_role_display()},
        )
        return redirect("portal:team")
