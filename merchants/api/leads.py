"""API twins of the lead pool pages: the public pool and claiming (/api/v1/leads/), the provider's claims with
their history and disputing another provider's claim (/api/v1/claims/), its disputes (/api/v1/disputes/),
and the merchant's own lead status with its opt-out (/api/v1/merchant/lead/).

Stable error codes: `lead_claimed`, `lead_quota_reached`, `lead_blocked`, `lead_opted_out`,
`provider_not_active`, `dispute_exists`, `claim_not_active`, `reason_required`, `permission_denied`,
`not_found`."""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from linke.http import MAX_ID
from providers.api.base import ProviderScopedViewSet
from providers.permissions import Action

from ..choices import ClaimStatus
from ..models import ClaimEvent, Lead, LeadClaim, LeadDispute
from ..selectors.leads import (
    AVAILABLE,
    CLAIMED,
    claim_get_disputable,
    claim_history,
    claims_visible_to,
    dispute_list,
    full_mobile,
    lead_pool,
    mask_mobile,
    merchant_lead_status,
)
from ..services.leads import lead_claim, lead_dispute_open, lead_opt_in, lead_opt_out
from .base import MerchantAPIView


class PoolQuerySerializer(serializers.Serializer):
    city = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID, help_text="A service city id.")
    category = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID, help_text="A sub-category id.")
    availability = serializers.ChoiceField(choices=[AVAILABLE, CLAIMED], required=False)
    q = serializers.CharField(required=False, max_length=50, help_text="Part of the merchant's name.")
    page = serializers.IntegerField(required=False, min_value=1, max_value=10**6)


class PoolLeadOutputSerializer(serializers.ModelSerializer):
    city = serializers.CharField(source="city.name")
    district = serializers.CharField(source="district.name", default="")
    category = serializers.CharField(source="category.name")
    mobile = serializers.SerializerMethodField(help_text="Masked (138****5678) unless your provider holds the lead.")
    held_until = serializers.DateTimeField(allow_null=True, help_text="End of the active claim's protection.")
    held_by_us = serializers.BooleanField()
    held_claim_id = serializers.IntegerField(
        allow_null=True, help_text="The active claim (to dispute it when another provider holds the lead)."
    )

    class Meta:
        model = Lead
        fields = [
            "id",
            "merchant_name",
            "contact_name",
            "mobile",
            "city",
            "district",
            "category",
            "store_count",
            "created_at",
            "held_until",
            "held_by_us",
            "held_claim_id",
        ]

    def get_mobile(self, lead) -> str:
        return full_mobile(lead.mobile) if lead.held_by_us else mask_mobile(lead.mobile)


class ClaimEventOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = ClaimEvent
        fields = ["kind", "note", "actor_name", "created_at"]


class ClaimOutputSerializer(serializers.ModelSerializer):
    lead = serializers.SerializerMethodField()
    claimed_by = serializers.CharField(source="claimed_by.user.display_name")

    class Meta:
        model = LeadClaim
        fields = [
            "id",
            "lead",
            "status",
            "claimed_by",
            "claimed_at",
            "expires_at",
            "extended_at",
            "extension_reason",
            "ended_at",
        ]

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "merchant_name": {"type": "string"},
                "contact_name": {"type": "string"},
                "mobile": {"type": "string"},
                "city": {"type": "string"},
                "category": {"type": "string"},
                "address": {"type": "string"},
            },
        }
    )
    def get_lead(self, claim) -> dict:
        lead = claim.lead
        active = claim.status == ClaimStatus.ACTIVE
        return {
            "id": lead.pk,
            "merchant_name": lead.merchant_name,
            "contact_name": lead.contact_name,
            "mobile": full_mobile(lead.mobile) if active else mask_mobile(lead.mobile),
            "city": lead.city.name,
            "category": lead.category.name,
            "address": lead.address,
        }


class ClaimDetailOutputSerializer(ClaimOutputSerializer):
    history = serializers.SerializerMethodField()

    class Meta(ClaimOutputSerializer.Meta):
        fields = [*ClaimOutputSerializer.Meta.fields, "history"]

    @extend_schema_field(ClaimEventOutputSerializer(many=True))
    def get_history(self, claim) -> list:
        return ClaimEventOutputSerializer(claim_history(claim), many=True).data


class DisputeInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class DisputeOutputSerializer(serializers.ModelSerializer):
    lead_id = serializers.IntegerField(source="claim.lead_id")
    lead_name = serializers.CharField(source="claim.lead.merchant_name")
    raised_by = serializers.CharField(source="raised_by.user.display_name")

    class Meta:
        model = LeadDispute
        fields = [
            "id",
            "claim",
            "lead_id",
            "lead_name",
            "reason",
            "raised_by",
            "status",
            "decision_reason",
            "decided_at",
            "created_at",
        ]


CLAIMED_ERROR = OpenApiExample(
    "Held by another provider",
    value={"code": "lead_claimed", "message": "这条线索已被报备，保护期至 2026-07-01 10:00。", "details": {}},
    response_only=True,
    status_codes=["409"],
)


class LeadPoolViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProviderScopedViewSet):
    """The public lead pool of the current provider: leads in its service cities and tracks, newest first.
    Every member reads it; owner, admin and bd claim (报备)."""

    model = Lead
    serializer_class = PoolLeadOutputSerializer
    action_permissions = {"claim": Action.CLAIM_LEADS}

    def scope_queryset(self, queryset):
        filters = {}
        if self.action == "list":
            query = PoolQuerySerializer(data=self.request.query_params)
            query.is_valid(raise_exception=True)
            data = query.validated_data
            filters = {
                "city": data.get("city"),
                "category": data.get("category"),
                "availability": data.get("availability", ""),
                "search": data.get("q", ""),
            }
        return lead_pool(provider=self.request.provider, **filters)

    @extend_schema(parameters=[PoolQuerySerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=None, responses={201: ClaimDetailOutputSerializer}, examples=[CLAIMED_ERROR])
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        """Claim (报备) the lead for the provider's protection days, within its monthly quota."""
        claim = lead_claim(actor=request.actor, lead=self.get_object())
        return Response(ClaimDetailOutputSerializer(claim).data, status=status.HTTP_201_CREATED)


class ClaimViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProviderScopedViewSet):
    """The current provider's claims (a bd: the active ones assigned to them and the ended ones they made),
    each with its history; and disputing another provider's active claim of a lead in the pool."""

    model = LeadClaim
    serializer_class = ClaimOutputSerializer
    filterset_fields = ["status"]
    action_permissions = {"dispute": Action.DISPUTE_CLAIMS}

    def scope_queryset(self, queryset):
        return claims_visible_to(queryset, membership=self.request.membership).order_by("-claimed_at", "-pk")

    def get_serializer_class(self):
        return ClaimDetailOutputSerializer if self.action == "retrieve" else ClaimOutputSerializer

    @extend_schema(request=DisputeInputSerializer, responses={201: DisputeOutputSerializer})
    @action(detail=True, methods=["post"])
    def dispute(self, request, pk=None):
        """Dispute another provider's active claim (its id: `held_claim_id` in the pool) with a reason:
        the operators decide. Your own claims, and claims of leads outside your pool, are not found."""
        data = DisputeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        claim = claim_get_disputable(provider=request.provider, pk=_valid_id(pk))
        dispute = lead_dispute_open(actor=request.actor, claim=claim, reason=data.validated_data["reason"])
        return Response(DisputeOutputSerializer(dispute).data, status=status.HTTP_201_CREATED)


def _valid_id(pk) -> int:
    try:
        value = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < value <= MAX_ID:
        raise Http404
    return value


class DisputeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProviderScopedViewSet):
    """The disputes the current provider raised, with the operators' decision and its reason."""

    model = LeadDispute
    serializer_class = DisputeOutputSerializer
    filterset_fields = ["status"]

    def scope_queryset(self, queryset):
        return dispute_list(queryset)


# --- The merchant's side ----------------------------------------------------------------------


class MerchantLeadOutputSerializer(serializers.Serializer):
    in_pool = serializers.BooleanField(help_text="Whether providers may find and claim you as a lead.")
    has_lead = serializers.BooleanField(help_text="Whether you are in the lead pool at all.")
    opted_out_at = serializers.DateTimeField(allow_null=True)
    holder = serializers.CharField(allow_blank=True, help_text="The provider holding you as a lead, if any.")
    held_until = serializers.DateTimeField(allow_null=True)


def _lead_status_data(merchant) -> dict:
    current = merchant_lead_status(merchant)
    return {
        "in_pool": current.in_pool,
        "has_lead": current.lead is not None,
        "opted_out_at": current.lead.opted_out_at if current.lead else None,
        "holder": current.holder_name,
        "held_until": current.held_until,
    }


class MerchantLeadView(MerchantAPIView):
    """Your lead status: whether you are in the lead pool and which provider holds you until when."""

    @extend_schema(responses=MerchantLeadOutputSerializer)
    def get(self, request):
        return Response(MerchantLeadOutputSerializer(_lead_status_data(request.merchant)).data)


class MerchantLeadChangeView(MerchantAPIView):
    service = None

    @extend_schema(request=None, responses=MerchantLeadOutputSerializer)
    def post(self, request):
        current = merchant_lead_status(request.merchant)
        if current.lead is None:
            raise NotFound(_("You are not in the lead pool."))
        self.service(actor=request.actor, lead=current.lead)
        return Response(MerchantLeadOutputSerializer(_lead_status_data(request.merchant)).data)


class MerchantLeadOptOutView(MerchantLeadChangeView):
    """I do not want to be contacted: no provider can claim you any more; a provider's claim ends."""

    service = staticmethod(lead_opt_out)


class MerchantLeadOptInView(MerchantLeadChangeView):
    """Providers serving your city may find and claim you again."""

    service = staticmethod(lead_opt_in)
