"""API twins of the 跟进人 pages: the merchants the provider looks after (same visibility and filters as the
portal), one merchant with its history of account owners, and the bulk reassignment."""

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from linke.http import MAX_ID
from providers.api.base import ProviderScopedViewSet
from providers.models import Membership
from providers.permissions import Action

from ..models import AccountAssignment
from ..selectors.accounts import AccountFilter, account_detail_list, account_history, account_list
from ..services.accounts import account_reassign


class AccountOwnerSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email")
    display_name = serializers.CharField(source="user.display_name")

    class Meta:
        model = Membership
        fields = ["id", "email", "display_name", "role"]


class AccountOutputSerializer(serializers.ModelSerializer):
    lead_id = serializers.IntegerField()
    merchant_name = serializers.CharField(source="lead.merchant_name")
    city = serializers.CharField(source="lead.city.name")
    category = serializers.CharField(source="lead.category.name")
    held_until = serializers.DateTimeField(allow_null=True, help_text="End of the provider's claim; null if not held.")
    owner = AccountOwnerSerializer(source="member")

    class Meta:
        model = AccountAssignment
        fields = [
            "id",
            "lead_id",
            "merchant_name",
            "city",
            "category",
            "held_until",
            "owner",
            "assigned_at",
            "ended_at",
        ]


class AccountHistorySerializer(serializers.ModelSerializer):
    owner = AccountOwnerSerializer(source="member")
    assigned_by = serializers.EmailField(source="assigned_by.email", allow_null=True, default=None)

    class Meta:
        model = AccountAssignment
        fields = ["id", "owner", "assigned_at", "ended_at", "assigned_by"]


class AccountDetailSerializer(AccountOutputSerializer):
    history = serializers.SerializerMethodField()

    class Meta(AccountOutputSerializer.Meta):
        fields = [*AccountOutputSerializer.Meta.fields, "history"]

    @extend_schema_field(AccountHistorySerializer(many=True))
    def get_history(self, assignment):
        return AccountHistorySerializer(account_history(assignment), many=True).data


class AccountReassignInputSerializer(serializers.Serializer):
    assignments = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        min_length=1,
        max_length=500,
        help_text="Ids of active assignments (the `id` of the list's rows).",
    )
    to_member = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="Membership id of the new owner.")


class AccountReassignOutputSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="How many merchants changed owner (those already theirs do not).")
    assignments = serializers.ListField(child=serializers.IntegerField(), help_text="Ids of the new assignments.")


class AccountViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProviderScopedViewSet):
    """The merchants the current provider looks after (跟进人). The owner and admins see all of them and
    reassign; everyone else sees the ones assigned to them."""

    model = AccountAssignment
    serializer_class = AccountOutputSerializer
    filterset_class = AccountFilter
    write_permission = Action.ASSIGN_ACCOUNTS

    def scope_queryset(self, queryset):
        if self.action == "retrieve":
            return account_detail_list(membership=self.request.membership, queryset=queryset)
        return account_list(membership=self.request.membership, queryset=queryset)

    def get_serializer_class(self):
        return AccountDetailSerializer if self.action == "retrieve" else AccountOutputSerializer

    @extend_schema(
        request=AccountReassignInputSerializer,
        responses=AccountReassignOutputSerializer,
        examples=[OpenApiExample("Give two merchants to a BD", value={"assignments": [12, 15], "to_member": 42})],
    )
    @action(detail=False, methods=["post"])
    def reassign(self, request):
        """Give these merchants to another member (owner, admin or bd of the team): all or none. Unknown ids
        (or another provider's) answer 404; a merchant reassigned meanwhile 409 `assignment_changed`; a
        member who cannot own merchants 400 `invalid_account_owner`."""
        data = AccountReassignInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ids = set(data.validated_data["assignments"])
        assignments = list(AccountAssignment.objects.filter(pk__in=ids))
        to_member = Membership.objects.filter(pk=data.validated_data["to_member"]).first()
        if len(assignments) != len(ids) or to_member is None:
            raise NotFound()
        created = account_reassign(actor=request.actor, assignments=assignments, to_member=to_member)
        return Response({"count": len(created), "assignments": [assignment.pk for assignment in created]})
