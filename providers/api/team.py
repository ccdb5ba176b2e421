"""API twins of the team page: members, their roles and status, invitations, ownership."""

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from linke.actors import Actor

from ..models import Invitation, Membership
from ..permissions import Action
from ..services.team import (
    ASSIGNABLE_ROLE_CHOICES,
    invitation_accept,
    invitation_create,
    invitation_revoke,
    membership_change_role,
    membership_deactivate,
    membership_reactivate,
    ownership_transfer,
)
from .base import ProviderScopedViewSet


class MembershipOutputSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email")
    display_name = serializers.CharField(source="user.display_name")

    class Meta:
        model = Membership
        fields = ["id", "email", "display_name", "role", "is_active", "created_at", "deactivated_at"]


class MembershipRoleInputSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=ASSIGNABLE_ROLE_CHOICES)


class MembershipDeactivateInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")
    successor = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=2**31 - 1,
        help_text="Membership id of the active member who takes over what the member holds (the merchants they "
        "look after). Required when they hold something: otherwise 400 `successor_required`.",
    )


class InvitationOutputSerializer(serializers.ModelSerializer):
    invited_by = serializers.EmailField(source="invited_by.email")
    status = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = [
            "id",
            "email",
            "role",
            "status",
            "invited_by",
            "created_at",
            "expires_at",
            "accepted_at",
            "revoked_at",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=["pending", "expired", "accepted", "revoked"]))
    def get_status(self, invitation) -> str:
        return invitation.state


class InvitationCreateInputSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=ASSIGNABLE_ROLE_CHOICES)


class InvitationAcceptInputSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=100)


MEMBER_EXAMPLE = OpenApiExample(
    "A member",
    value={
        "id": 42,
        "email": "bd@alpha.test",
        "display_name": "阿尔法商务小王",
        "role": "bd",
        "is_active": True,
        "created_at": "2026-03-01T09:30:00+08:00",
        "deactivated_at": None,
    },
    response_only=True,
)


class TeamViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProviderScopedViewSet):
    """Members of the current provider. Everyone in the team reads it; the owner and admins change
    roles and (de)activate members; only the owner transfers ownership."""

    model = Membership
    serializer_class = MembershipOutputSerializer
    filterset_fields = ["role", "is_active"]
    write_permission = Action.MANAGE_TEAM
    action_permissions = {"transfer_ownership": Action.TRANSFER_OWNERSHIP}

    def scope_queryset(self, queryset):
        return queryset.select_related("user").order_by("created_at", "pk")

    def member_response(self, membership):
        return Response(MembershipOutputSerializer(membership).data)

    @extend_schema(
        request=MembershipRoleInputSerializer,
        responses=MembershipOutputSerializer,
        examples=[OpenApiExample("Make a member an operator", value={"role": "operator"}, request_only=True)],
    )
    @action(detail=True, methods=["post"])
    def role(self, request, pk=None):
        """Give a member another role (any but owner; the owner's own role changes only by a transfer)."""
        data = MembershipRoleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = membership_change_role(
            actor=request.actor, membership=self.get_object(), role=data.validated_data["role"]
        )
        return self.member_response(membership)

    @extend_schema(
        request=MembershipDeactivateInputSerializer,
        responses=MembershipOutputSerializer,
        examples=[
            OpenApiExample("Deactivate", value={"reason": "离职", "successor": 43}, request_only=True),
            MEMBER_EXAMPLE,
        ],
    )
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        """Remove a member's access; their live verification codes are revoked, and what they hold goes to
        `successor` in the same step (`successor_required` when they hold something and no active member of
        the team is given)."""
        data = MembershipDeactivateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        successor_id = data.validated_data["successor"]
        # Another provider's id finds nothing here: the service then answers `successor_required`.
        successor = Membership.objects.filter(pk=successor_id).first() if successor_id else None
        membership = membership_deactivate(
            actor=request.actor,
            membership=self.get_object(),
            reason=data.validated_data["reason"],
            successor=successor,
        )
        return self.member_response(membership)

    @extend_schema(request=None, responses=MembershipOutputSerializer)
    @action(detail=True, methods=["post"])
    def reactivate(self, request, pk=None):
        """Give a deactivated member access again, with their previous role."""
        return self.member_response(membership_reactivate(actor=request.actor, membership=self.get_object()))

    @extend_schema(request=None, responses=MembershipOutputSerializer)
    @action(detail=True, methods=["post"], url_path="transfer-ownership")
    def transfer_ownership(self, request, pk=None):
        """Make this member the owner (owner only); the current owner becomes an admin."""
        membership = ownership_transfer(actor=request.actor, provider=request.provider, to_membership=self.get_object())
        return self.member_response(membership)


class InvitationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProviderScopedViewSet):
    """Email invitations to join the current provider (owner and admins). The link is emailed to the
    invitee and is never returned by the API."""

    model = Invitation
    serializer_class = InvitationOutputSerializer
    filterset_fields = ["role"]
    write_permission = Action.MANAGE_TEAM
    # Invitees' addresses are for the people who manage the team.
    action_permissions = {"list": Action.MANAGE_TEAM, "retrieve": Action.MANAGE_TEAM}

    def scope_queryset(self, queryset):
        return queryset.select_related("invited_by").order_by("-created_at", "-pk")

    @extend_schema(
        request=InvitationCreateInputSerializer,
        responses={201: InvitationOutputSerializer},
        examples=[OpenApiExample("Invite a BD", value={"email": "new.bd@alpha.test", "role": "bd"}, request_only=True)],
    )
    def create(self, request):
        """Invite an email address with a role; a pending invitation to the same address is replaced."""
        data = InvitationCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invitation, _token = invitation_create(actor=request.actor, provider=request.provider, **data.validated_data)
        return Response(InvitationOutputSerializer(invitation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=InvitationOutputSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """Withdraw a pending invitation: its link stops working."""
        invitation = invitation_revoke(actor=request.actor, invitation=self.get_object())
        return Response(InvitationOutputSerializer(invitation).data)


class InvitationAcceptView(APIView):
    """Accept an invitation as the logged-in user (whose email must be the invited address). Needs no
    current provider: accepting is how a new member gets one."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=InvitationAcceptInputSerializer,
        responses={201: MembershipOutputSerializer},
        examples=[
            OpenApiExample("Accept", value={"token": "Yw0c2kQ3mJ6pF1vE8rT5uH9sD4aG7bN2xL0zC6iK3qM"}, request_only=True),
            MEMBER_EXAMPLE,
        ],
    )
    def post(self, request):
        data = InvitationAcceptInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = invitation_accept(actor=Actor.for_user(request.user), token=data.validated_data["token"])
        return Response(MembershipOutputSerializer(membership).data, status=status.HTTP_201_CREATED)
