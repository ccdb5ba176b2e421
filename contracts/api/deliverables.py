"""API twins of the deliverables pages: the provider's deliverables (`deliverables/`: list with filters,
retrieve, submit as JSON or multipart, the evidence file), the merchant's (`merchant/deliverables/`: list,
retrieve, accept, reject, the evidence file), and the KPI results of both (`kpi-results/`,
`merchant/kpi-results/`, read only). `routes` (prefix, viewset, basename) and `urlpatterns`."""

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from linke.api.parsers import JSONParser, MultiPartParser
from merchants.api.base import MerchantScopedViewSet
from providers.api.base import ProviderScopedViewSet
from providers.permissions import Action

from ..choices import DeliverableStatus, StandardKind
from ..deliverable_forms import SEARCH_MAX_LENGTH
from ..models import Contract, Deliverable, KpiResult
from ..selectors.deliverables import BOARD_VIEWS, QUEUE_VIEWS, deliverable_detail, deliverable_view, kpi_results
from ..services.deliverables import (
    LIVESTREAM_HOURS_MAX,
    REASON_MAX_LENGTH,
    deliverable_accept,
    deliverable_reject,
    deliverable_submit,
)
from ..validators import (
    EVIDENCE_FILE_HELP_TEXT,
    EVIDENCE_LINK_MAX_LENGTH,
    EVIDENCE_LINKS_MAX,
    EVIDENCE_NOTE_MAX_LENGTH,
)
from ..views.deliverables import stream_evidence
from .serializers import PartySerializer

VIEWS = {view.key: view for view in (*BOARD_VIEWS, *QUEUE_VIEWS)}


# --- filters ---------------------------------------------------------------------------------------


def _contracts(request):
    return Contract.objects.only("pk")


class DeliverableApiFilter(django_filters.FilterSet):
    """`view` (due_week, overdue, awaiting, rejected, accepted, to_deliver, all), `status`, `contract`, `q`."""

    view = django_filters.ChoiceFilter(
        label="view", choices=[(key, view.label) for key, view in VIEWS.items()], method="filter_view"
    )
    status = django_filters.ChoiceFilter(choices=DeliverableStatus.choices)
    contract = django_filters.ModelChoiceFilter(queryset=_contracts)
    q = django_filters.CharFilter(label="q", field_name="title", lookup_expr="icontains", max_length=SEARCH_MAX_LENGTH)

    def filter_view(self, queryset, name, value):
        return deliverable_view(queryset, value)


class KpiResultFilter(django_filters.FilterSet):
    """`contract`, `period` (the month's first day, e.g. 2027-01-01), `met`."""

    contract = django_filters.ModelChoiceFilter(queryset=_contracts)
    period = django_filters.DateFilter()
    met = django_filters.BooleanFilter()


# --- serializers -----------------------------------------------------------------------------------


class ContractRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


DELIVERABLE_FIELDS = [
    "id",
    "contract",
    "title",
    "kind",
    "period",
    "sequence",
    "due_at",
    "status",
    "evidence_links",
    "evidence_name",
    "has_file",
    "evidence_note",
    "reported_amount",
    "submitted_at",
    "decided_at",
    "rejection_reason",
    "auto_accepted",
    "auto_accept_at",
    "breached_at",
]


class DeliverableOutputSerializer(serializers.ModelSerializer):
    contract = ContractRefSerializer()
    kind = serializers.SerializerMethodField(
        help_text="The delivery standard it comes from (short_videos, livestream_hours), or `item` for a "
        "specialized contract's service item."
    )
    has_file = serializers.SerializerMethodField(help_text="Whether a file is on record (GET …/evidence/).")
    auto_accept_at = serializers.SerializerMethodField(
        help_text="When a submitted deliverable is accepted automatically (72 hours after its submission)."
    )
    reported_amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, allow_null=True, help_text="Livestream hours reported."
    )

    class Meta:
        model = Deliverable
        fields = DELIVERABLE_FIELDS

    def get_kind(self, deliverable) -> str:
        return deliverable.standard.kind if deliverable.standard_id else "item"

    def get_has_file(self, deliverable) -> bool:
        return bool(deliverable.evidence_file)

    def get_auto_accept_at(self, deliverable) -> str | None:
        from ..rules import AUTO_ACCEPT_AFTER

        if deliverable.status != DeliverableStatus.SUBMITTED or deliverable.submitted_at is None:
            return None
        return serializers.DateTimeField().to_representation(deliverable.submitted_at + AUTO_ACCEPT_AFTER)


class ProviderDeliverableOutputSerializer(DeliverableOutputSerializer):
    merchant = PartySerializer()

    class Meta(DeliverableOutputSerializer.Meta):
        fields = [*DELIVERABLE_FIELDS[:2], "merchant", *DELIVERABLE_FIELDS[2:]]


class MerchantDeliverableOutputSerializer(DeliverableOutputSerializer):
    provider = PartySerializer()

    class Meta(DeliverableOutputSerializer.Meta):
        fields = [*DELIVERABLE_FIELDS[:2], "provider", *DELIVERABLE_FIELDS[2:]]


class DeliverableSubmitInputSerializer(serializers.Serializer):
    links = serializers.ListField(
        child=serializers.CharField(max_length=EVIDENCE_LINK_MAX_LENGTH),
        max_length=EVIDENCE_LINKS_MAX,
        required=False,
        default=list,
        help_text="Up to 5 http(s) addresses, each at most 500 characters (multipart: repeat the field).",
    )
    file = serializers.FileField(required=False, allow_null=True, help_text=str(EVIDENCE_FILE_HELP_TEXT))
    note = serializers.CharField(max_length=EVIDENCE_NOTE_MAX_LENGTH, required=False, allow_blank=True, default="")
    reported_amount = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=LIVESTREAM_HOURS_MAX,
        required=False,
        allow_null=True,
        help_text="Livestream hours delivered: required for a livestream deliverable, refused for any other.",
    )


class DeliverableRejectInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH, help_text="The provider sees it and redoes it.")


class StandardSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=StandardKind.choices)


class KpiResultOutputSerializer(serializers.ModelSerializer):
    contract = ContractRefSerializer()
    standard = StandardSerializer()
    target = serializers.DecimalField(max_digits=14, decimal_places=2)
    actual = serializers.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        model = KpiResult
        fields = ["id", "contract", "standard", "period", "target", "actual", "met", "evaluated_at"]


EVIDENCE_RESPONSES = {
    (200, "application/pdf"): OpenApiTypes.BINARY,
    (200, "image/jpeg"): OpenApiTypes.BINARY,
    (200, "image/png"): OpenApiTypes.BINARY,
    (200, "video/mp4"): OpenApiTypes.BINARY,
    404: OpenApiResponse(description="No such deliverable for you, or no file on record."),
}


# --- viewsets --------------------------------------------------------------------------------------


class DeliverableViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProviderScopedViewSet):
    """The current provider's deliverables, soonest due first (`view`, `status`, `contract`, `q`). Every
    member reads them; the owner, admins and operators submit them."""

    model = Deliverable
    serializer_class = ProviderDeliverableOutputSerializer
    filterset_class = DeliverableApiFilter
    write_permission = Action.WORK_DELIVERABLES
    action_permissions = {"evidence": Action.VIEW}

    def scope_queryset(self, queryset):
        return deliverable_detail(queryset).order_by("due_at", "pk")

    @extend_schema(
        request={
            "application/json": DeliverableSubmitInputSerializer,
            "multipart/form-data": DeliverableSubmitInputSerializer,
        },
        responses={
            200: ProviderDeliverableOutputSerializer,
            400: OpenApiResponse(
                description="Invalid fields: a link that is not http(s) (`evidence_link_invalid`), more than 5 "
                "(`evidence_links_too_many`), a file that is not a PDF, JPEG, PNG or MP4 by content "
                "(`evidence_type`) or over 20 MB (`evidence_too_large`), no evidence (`evidence_required`), "
                "the hours of a livestream missing or wrong (`reported_amount_required`, `reported_amount_invalid`)."
            ),
            409: OpenApiResponse(
                description="Already submitted or accepted (`invalid_transition`), or the contract does not run "
                "(`contract_not_running`)."
            ),
        },
        examples=[
            OpenApiExample(
                "Submit a video",
                value={"links": ["https://www.douyin.com/video/7300000000000000001"], "note": "已发布"},
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, MultiPartParser])
    def submit(self, request, pk=None):
        """Submit the deliverable's evidence (links and/or a file); the merchant is asked to accept it."""
        data = DeliverableSubmitInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        deliverable = deliverable_submit(
            actor=request.actor,
            deliverable=self.get_object(),
            links=fields["links"],
            file=fields.get("file"),
            note=fields["note"],
            reported_amount=fields.get("reported_amount"),
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=deliverable.pk)).data)

    @extend_schema(responses=EVIDENCE_RESPONSES)
    @action(detail=True, methods=["get"])
    def evidence(self, request, pk=None):
        """The evidence file, as it was uploaded (never cached)."""
        return stream_evidence(self.get_object())


class MerchantDeliverableViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, MerchantScopedViewSet):
    """The current merchant's deliverables (`view=awaiting` for those awaiting its acceptance, `status`,
    `contract`, `q`); accept one, or reject it with a reason."""

    model = Deliverable
    serializer_class = MerchantDeliverableOutputSerializer
    filterset_class = DeliverableApiFilter

    def scope_queryset(self, queryset):
        return deliverable_detail(queryset).order_by("due_at", "pk")

    def respond(self, deliverable):
        return Response(self.get_serializer(self.get_queryset().get(pk=deliverable.pk)).data)

    @extend_schema(
        request=None,
        responses={
            200: MerchantDeliverableOutputSerializer,
            409: OpenApiResponse(description="Not awaiting acceptance (`invalid_transition`)."),
        },
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Accept the deliverable (for good); the provider is told."""
        return self.respond(deliverable_accept(actor=request.actor, deliverable=self.get_object()))

    @extend_schema(
        request=DeliverableRejectInputSerializer,
        responses={
            200: MerchantDeliverableOutputSerializer,
            409: OpenApiResponse(description="Not awaiting acceptance (`invalid_transition`)."),
        },
        examples=[OpenApiExample("Reject", value={"reason": "画面太暗，请重拍"}, request_only=True)],
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject the deliverable with a reason; the provider redoes it and submits it again."""
        data = DeliverableRejectInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        deliverable = self.get_object()
        return self.respond(
            deliverable_reject(actor=request.actor, deliverable=deliverable, reason=data.validated_data["reason"])
        )

    @extend_schema(responses=EVIDENCE_RESPONSES)
    @action(detail=True, methods=["get"])
    def evidence(self, request, pk=None):
        """The evidence file, as it was uploaded (never cached)."""
        return stream_evidence(self.get_object())


class KpiResultViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProviderScopedViewSet):
    """The monthly KPI results of the current provider's full-operation contracts, newest month first
    (`contract`, `period`, `met`): target, actual figure, met or missed. Read only."""

    model = KpiResult
    serializer_class = KpiResultOutputSerializer
    filterset_class = KpiResultFilter

    def scope_queryset(self, queryset):
        return kpi_results(queryset)


class MerchantKpiResultViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, MerchantScopedViewSet):
    """The monthly KPI results of the current merchant's full-operation contracts (as `kpi-results/`)."""

    model = KpiResult
    serializer_class = KpiResultOutputSerializer
    filterset_class = KpiResultFilter

    def scope_queryset(self, queryset):
        return kpi_results(queryset)


routes = [
    ("deliverables", DeliverableViewSet, "deliverable"),
    ("merchant/deliverables", MerchantDeliverableViewSet, "merchant-deliverable"),
    ("kpi-results", KpiResultViewSet, "kpi-result"),
    ("merchant/kpi-results", MerchantKpiResultViewSet, "merchant-kpi-result"),
]
urlpatterns = []
