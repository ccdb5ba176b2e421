"""API twins of the contract pages: the provider's `contracts/` (list with filters, retrieve with the timeline,
create a draft, PATCH a draft, propose, revise, cancel, notice, agree-notice, upgrade) and the merchant's
`merchant/contracts/` (list, retrieve, sign, reject, cancel, notice, agree-notice, return-to-pool).

Permissions (provider side): every member reads; owner, admins and BD staff draft, propose, revise, withdraw
and upgrade; the owner and admins give notice and agree to an earlier end. Errors are JSON with a stable
`code`: `invalid` (400, `details` per field), the services' codes (`mode_not_offered`, `store_not_merchants`,
`term_length`, `date_too_far`, `fee_required`, `version_changed`, `start_date_passed`, `fees_not_confirmed`,
`certification_required`, `store_has_full_operation`, `cooling_off_over`, `no_pending_notice`, `not_a_draft`,
`invalid_transition`, ...), `permission_denied` (403), `not_found` (404)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from merchants.api.base import MerchantScopedViewSet
from merchants.models import CooperationRequest, LeadClaim
from merchants.selectors.leads import claims_visible_to
from providers.api.base import ProviderScopedViewSet
from providers.permissions import Action

from ..choices import Side
from ..forms import MerchantContractFilter, ProviderContractFilter
from ..models import Contract
from ..selectors.contracts import contract_detail, merchants_worked_with
from ..services.contracts import (
    contract_agree_notice,
    contract_cancel,
    contract_draft,
    contract_give_notice,
    contract_propose,
    contract_reject,
    contract_revise,
    contract_set_return_to_pool,
    contract_sign,
    contract_terms,
    contract_update_draft,
    contract_upgrade,
)
from .serializers import (
    CancelInputSerializer,
    ContractCreateInputSerializer,
    ContractDetailOutputSerializer,
    ContractOutputSerializer,
    ContractTermsInputSerializer,
    ContractUpdateInputSerializer,
    NoticeInputSerializer,
    ReasonInputSerializer,
    ReturnToPoolInputSerializer,
    SignInputSerializer,
)

TERMS_FIELDS = ("title", "scope", "start_date", "end_date", "monthly_fee", "commission_bp", "items", "standards")
INVALID_TERMS = OpenApiResponse(description="Invalid terms (`invalid`, or a rule's code and `details.field`).")
CONFLICT = OpenApiResponse(description="Not possible in the contract's state, or refused by a rule (see `code`).")

SPECIALIZED_EXAMPLE = OpenApiExample(
    "Draft a specialized contract",
    value={
        "merchant": 12,
        "kind": "specialized",
        "stores": [31],
        "title": "抖音短视频代拍",
        "start_date": "2027-01-01",
        "end_date": "2027-01-31",
        "items": [
            {
                "area": "short_video",
                "level": "basic",
                "title": "探店短视频",
                "unit_price": "800.00",
                "quantity": 4,
                "due_date": "2027-01-31",
            }
        ],
    },
    request_only=True,
)
FULL_EXAMPLE = OpenApiExample(
    "Draft a full-operation contract",
    value={
        "merchant": 12,
        "kind": "full_operation",
        "stores": [31, 32],
        "title": "门店代运营",
        "start_date": "2027-01-01",
        "end_date": "2027-06-30",
        "monthly_fee": "5000.00",
        "commission_bp": 550,
        "standards": [{"kind": "monthly_gmv", "target": "100000.00"}, {"kind": "short_videos", "target": "8"}],
    },
    request_only=True,
)


def validated(serializer_class, data, *, partial=False) -> dict:
    serializer = serializer_class(data=data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def terms_of(fields: dict) -> dict:
    """The terms part of validated input, items and standards as plain dicts."""
    terms = {name: fields[name] for name in TERMS_FIELDS if name in fields}
    for name in ("items", "standards"):
        if name in terms:
            terms[name] = [dict(row) for row in terms[name]]
    return terms


class ContractResponseMixin:
    def get_serializer_class(self):
        return ContractOutputSerializer if self.action == "list" else ContractDetailOutputSerializer

    def scope_queryset(self, queryset):
        queryset = contract_detail(queryset).order_by("-created_at", "-pk")
        return queryset if self.action == "list" else queryset.prefetch_related("events")

    def respond(self, contract, status_code=status.HTTP_200_OK):
        """The contract as it is now, read again through the channel's queryset."""
        fresh = self.get_queryset().get(pk=contract.pk)
        return Response(
            ContractDetailOutputSerializer(fresh, context=self.get_serializer_context()).data, status=status_code
        )


class ContractViewSet(ContractResponseMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ProviderScopedViewSet):
    """The current provider's contracts, newest first (`status`, `kind`, `merchant` (part of the name), `store`
    (id)). Every member reads them; the owner, admins and BD staff draft and propose; the owner and admins give
    notice and agree to an earlier end."""

    model = Contract
    filterset_class = ProviderContractFilter
    write_permission = Action.PROPOSE_CONTRACTS
    action_permissions = {"notice": Action.SIGN_OFF_CONTRACTS, "agree_notice": Action.SIGN_OFF_CONTRACTS}

    def get_serializer_context(self):
        membership = getattr(self.request, "membership", None)
        return super().get_serializer_context() | {"side": Side.PROVIDER, "membership": membership}

    @extend_schema(
        request=ContractCreateInputSerializer,
        responses={
            201: ContractDetailOutputSerializer,
            400: OpenApiResponse(description="Invalid fields, a merchant you do not work with, a store not theirs."),
            409: CONFLICT,
        },
        examples=[SPECIALIZED_EXAMPLE, FULL_EXAMPLE],
    )
    def create(self, request):
        """Draft a contract for a merchant you work with; nothing is sent until you propose it."""
        fields = validated(ContractCreateInputSerializer, request.data)
        merchant = merchants_worked_with().filter(pk=fields["merchant"]).first()
        if merchant is None:
            raise ValidationError(
                {"merchant": [_("Choose a merchant you work with: a request, a held lead, a contract.")]}
            )
        cooperation_request = lead_claim = None
        if fields.get("request"):
            cooperation_request = CooperationRequest.objects.filter(pk=fields["request"]).first()
            if cooperation_request is None:
                raise ValidationError({"request": [_("No such cooperation request.")]})
        if fields.get("lead_claim"):
            claims = claims_visible_to(LeadClaim.objects.all(), membership=request.membership)
            lead_claim = claims.filter(pk=fields["lead_claim"]).first()
            if lead_claim is None:
                raise ValidationError({"lead_claim": [_("No such lead claim.")]})
        contract = contract_draft(
            actor=request.actor,
            merchant=merchant,
            stores=fields["stores"],
            kind=fields["kind"],
            terms=terms_of(fields),
            request=cooperation_request,
            lead_claim=lead_claim,
        )
        return self.respond(contract, status.HTTP_201_CREATED)

    @extend_schema(
        request=ContractUpdateInputSerializer,
        responses={
            200: ContractDetailOutputSerializer,
            400: OpenApiResponse(description="Invalid terms."),
            409: CONFLICT,
        },
    )
    def partial_update(self, request, pk=None):
        """Change a draft: the fields given replace the current ones (`items`, `standards` as a whole)."""
        contract = self.get_object()
        fields = validated(ContractUpdateInputSerializer, request.data, partial=True)
        terms = contract_terms(contract) | terms_of(fields)
        return self.respond(
            contract_update_draft(actor=request.actor, contract=contract, terms=terms, stores=fields.get("stores"))
        )

    @extend_schema(request=None, responses={200: ContractDetailOutputSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def propose(self, request, pk=None):
        """Send the draft to the merchant, who is notified and may sign it."""
        return self.respond(contract_propose(actor=request.actor, contract=self.get_object()))

    @extend_schema(
        request=ContractUpdateInputSerializer,
        responses={
            200: ContractDetailOutputSerializer,
            400: OpenApiResponse(description="Invalid terms."),
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        """Change a proposal: a new version the merchant signs (fields left out keep their values)."""
        contract = self.get_object()
        fields = validated(ContractUpdateInputSerializer, request.data, partial=True)
        terms = contract_terms(contract) | terms_of(fields)
        return self.respond(
            contract_revise(actor=request.actor, contract=contract, terms=terms, stores=fields.get("stores"))
        )

    @extend_schema(request=CancelInputSerializer, responses={200: ContractDetailOutputSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Drop a draft or withdraw a proposal (a reason the merchant reads, required for a proposal)."""
        contract = self.get_object()
        fields = validated(CancelInputSerializer, request.data)
        return self.respond(contract_cancel(actor=request.actor, contract=contract, reason=fields["reason"]))

    @extend_schema(request=NoticeInputSerializer, responses={200: ContractDetailOutputSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def notice(self, request, pk=None):
        """Give notice of termination (owner, admins): 30 days' notice or more takes effect; earlier waits for
        the merchant's agreement."""
        contract = self.get_object()
        fields = validated(NoticeInputSerializer, request.data)
        return self.respond(
            contract_give_notice(
                actor=request.actor, contract=contract, end_date=fields["end_date"], reason=fields["reason"]
            )
        )

    @extend_schema(request=None, responses={200: ContractDetailOutputSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], url_path="agree-notice")
    def agree_notice(self, request, pk=None):
        """Agree to the merchant's earlier end date (owner, admins)."""
        return self.respond(contract_agree_notice(actor=request.actor, contract=self.get_object()))

    @extend_schema(
        request=ContractTermsInputSerializer,
        responses={
            201: ContractDetailOutputSerializer,
            400: OpenApiResponse(description="Invalid terms."),
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"])
    def upgrade(self, request, pk=None):
        """Draft a full-operation contract for the stores of this specialized one, linked to it."""
        contract = self.get_object()
        fields = validated(ContractTermsInputSerializer, request.data)
        upgrade = contract_upgrade(actor=request.actor, contract=contract, terms=terms_of(fields))
        return self.respond(upgrade, status.HTTP_201_CREATED)


class MerchantContractViewSet(
    ContractResponseMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, MerchantScopedViewSet
):
    """The current merchant's contracts, newest first (`status`, `kind`, `provider` (part of the name), `store`
    (id)): sign or reject a proposal, cancel within the cooling-off, give or agree notice, and say whether the
    stores return to the lead pool."""

    model = Contract
    filterset_class = MerchantContractFilter

    def get_serializer_context(self):
        return super().get_serializer_context() | {"side": Side.MERCHANT}

    @extend_schema(
        request=SignInputSerializer,
        responses={
            200: ContractDetailOutputSerializer,
            400: OpenApiResponse(description="Fees not confirmed."),
            409: CONFLICT,
        },
        examples=[OpenApiExample("Sign version 2", value={"version": 2, "confirm_fees": True}, request_only=True)],
    )
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        """Sign the version you read (`version_changed` if the provider revised it since); full operation needs
        `confirm_fees: true`. The terms are frozen with their SHA-256 fingerprint."""
        contract = self.get_object()
        fields = validated(SignInputSerializer, request.data)
        return self.respond(
            contract_sign(
                actor=request.actor, contract=contract, version=fields["version"], confirm_fees=fields["confirm_fees"]
            )
        )

    @extend_schema(request=ReasonInputSerializer, responses={200: ContractDetailOutputSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject a proposal with a reason the provider reads."""
        contract = self.get_object()
        fields = validated(ReasonInputSerializer, request.data)
        return self.respond(contract_reject(actor=request.actor, contract=contract, reason=fields["reason"]))

    @extend_schema(request=ReasonInputSerializer, responses={200: ContractDetailOutputSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel a signed full-operation contract at no cost within 7 days of signing (`cooling_off_over` after)."""
        contract = self.get_object()
        fields = validated(ReasonInputSerializer, request.data)
        return self.respond(contract_cancel(actor=request.actor, contract=contract, reason=fields["reason"]))

    @extend_schema(request=NoticeInputSerializer, responses={200: ContractDetailOutputSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def notice(self, request, pk=None):
        """Give notice of termination: 30 days' notice or more takes effect; earlier waits for the provider."""
        contract = self.get_object()
        fields = validated(NoticeInputSerializer, request.data)
        return self.respond(
            contract_give_notice(
                actor=request.actor, contract=contract, end_date=fields["end_date"], reason=fields["reason"]
            )
        )

    @extend_schema(request=None, responses={200: ContractDetailOutputSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], url_path="agree-notice")
    def agree_notice(self, request, pk=None):
        """Agree to the provider's earlier end date."""
        return self.respond(contract_agree_notice(actor=request.actor, contract=self.get_object()))

    @extend_schema(request=ReturnToPoolInputSerializer, responses={200: ContractDetailOutputSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], url_path="return-to-pool")
    def return_to_pool(self, request, pk=None):
        """Whether your stores return to the lead pool when the contract ends."""
        contract = self.get_object()
        fields = validated(ReturnToPoolInputSerializer, request.data)
        return self.respond(contract_set_return_to_pool(actor=request.actor, contract=contract, agree=fields["agree"]))


routes = [
    ("contracts", ContractViewSet, "contract"),
    ("merchant/contracts", MerchantContractViewSet, "merchant-contract"),
]
urlpatterns = []
