"""API twins of the posted-need pages (需求发布): the merchant's needs (`merchant/needs/`: list, post, read
with its proposals side by side, accept one, withdraw) and the provider's side (`needs/`: the feed, one need,
propose; `proposals/`: its proposals, withdraw one). Errors are JSON with a stable `code`."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from linke.http import MAX_ID
from merchants.api.base import MerchantScopedViewSet
from merchants.models import Store
from providers.api.base import ProviderScopedViewSet
from providers.choices import CooperationMode, ServiceArea, ServiceLevel
from providers.permissions import Action
from reference.models import ServiceCity, Track

from ..forms_rfqs import TEXT_MAX_LENGTH, TITLE_MAX_LENGTH, FeedFilter, RfqFilter
from ..models import MONEY, Proposal, Rfq
from ..selectors.rfqs import (
    my_proposals,
    proposal_comparison,
    rfq_detail,
    rfq_feed,
    rfq_for_provider,
    rfq_list,
    rfqs_visible_to,
)
from ..services.rfqs import TIMELINE_DAYS, proposal_withdraw, rfq_accept, rfq_cancel, rfq_create, rfq_propose

MAX_STORES = 100
AMOUNT = {"max_digits": MONEY["max_digits"], "decimal_places": MONEY["decimal_places"], "min_value": 0}


class NamedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class NeedStoreSerializer(serializers.ModelSerializer):
    district = serializers.CharField(allow_null=True)
    category = serializers.CharField(help_text="The store's sub-category.")

    class Meta:
        model = Store
        fields = ["id", "name", "district", "address", "category"]


NEED_FIELDS = [
    "id",
    "title",
    "track",
    "city",
    "mode",
    "budget_min",
    "budget_max",
    "deadline",
    "description",
    "status",
    "stores",
]


class ProviderNeedOutputSerializer(serializers.ModelSerializer):
    merchant = NamedSerializer()
    track = NamedSerializer()
    city = NamedSerializer()
    stores = NeedStoreSerializer(many=True)
    my_proposal_id = serializers.IntegerField(allow_null=True, help_text="Your proposal, if you sent one.")
    my_proposal_status = serializers.CharField(allow_null=True)

    class Meta:
        model = Rfq
        fields = [*NEED_FIELDS[:2], "merchant", *NEED_FIELDS[2:], "my_proposal_id", "my_proposal_status"]


class MerchantNeedOutputSerializer(serializers.ModelSerializer):
    track = NamedSerializer()
    city = NamedSerializer()
    proposal_count = serializers.IntegerField(
        required=False, allow_null=True, help_text="Proposals not withdrawn (lists only)."
    )

    class Meta:
        model = Rfq
        fields = [*NEED_FIELDS[:-1], "proposal_count", "created_at", "closed_at"]


class ComparedProviderSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="provider.id")
    name = serializers.CharField(source="provider.name")
    rating = serializers.DecimalField(source="standing.rating", max_digits=3, decimal_places=2, allow_null=True)
    review_count = serializers.IntegerField(source="standing.review_count", allow_null=True)
    tier = serializers.CharField(source="standing.tier", allow_null=True)
    in_good_standing = serializers.BooleanField(help_text="Compliance standing: false when suspended.")
    case_studies = serializers.SerializerMethodField(help_text="Up to three titles (ids of the directory profile).")

    def get_case_studies(self, column) -> list[dict]:
        return [{"id": study.pk, "title": study.title} for study in column.case_studies]


PROPOSAL_FIELDS = [
    "id",
    "price",
    "scope",
    "deliverables",
    "timeline_days",
    "service_area",
    "service_level",
    "monthly_gmv_target",
    "videos_per_month",
    "status",
    "created_at",
    "decided_at",
]


class ComparedProposalSerializer(serializers.ModelSerializer):
    contract_id = serializers.IntegerField(source="contract_pk", allow_null=True, help_text="Once accepted.")

    class Meta:
        model = Proposal
        fields = [*PROPOSAL_FIELDS, "contract_id"]


class MerchantNeedDetailSerializer(MerchantNeedOutputSerializer):
    stores = NeedStoreSerializer(many=True)
    proposals = serializers.SerializerMethodField(help_text="Side by side, cheapest first (withdrawn left out).")

    class Meta(MerchantNeedOutputSerializer.Meta):
        fields = [*MerchantNeedOutputSerializer.Meta.fields, "stores", "proposals"]

    def get_proposals(self, need) -> list[dict]:
        return [
            {
                **ComparedProposalSerializer(column.proposal).data,
                "provider": ComparedProviderSerializer(column).data,
            }
            for column in proposal_comparison(need)
        ]


class MyProposalSerializer(serializers.ModelSerializer):
    rfq = serializers.IntegerField(source="rfq_id")
    rfq_title = serializers.CharField(source="rfq.title")
    contract_id = serializers.IntegerField(source="contract_pk", allow_null=True, help_text="Once accepted.")

    class Meta:
        model = Proposal
        fields = ["id", "rfq", "rfq_title", *PROPOSAL_FIELDS[1:], "contract_id"]


class NeedCreateInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=TITLE_MAX_LENGTH)
    track = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="An active track's id.")
    city = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="An active service city's id.")
    stores = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        min_length=1,
        max_length=MAX_STORES,
        help_text="Ids of your own stores, all in that city.",
    )
    mode = serializers.ChoiceField(choices=CooperationMode.choices)
    budget_min = serializers.DecimalField(**AMOUNT)
    budget_max = serializers.DecimalField(help_text="For full operation: the monthly fee.", **AMOUNT)
    deadline = serializers.DateTimeField(help_text="In the future, at most 60 days away.")
    description = serializers.CharField(max_length=TEXT_MAX_LENGTH)


class ProposeInputSerializer(serializers.Serializer):
    price = serializers.DecimalField(help_text="For full operation: the monthly fee.", **AMOUNT)
    scope = serializers.CharField(max_length=TEXT_MAX_LENGTH)
    deliverables = serializers.CharField(max_length=TEXT_MAX_LENGTH)
    timeline_days = serializers.IntegerField(
        min_value=TIMELINE_DAYS[0], max_value=TIMELINE_DAYS[1], help_text="For full operation: the term, 90–1095."
    )
    service_area = serializers.ChoiceField(choices=ServiceArea.choices, default=ServiceArea.STORE_OPS)
    service_level = serializers.ChoiceField(choices=ServiceLevel.choices, default=ServiceLevel.BASIC)
    monthly_gmv_target = serializers.DecimalField(required=False, allow_null=True, default=None, **AMOUNT)
    videos_per_month = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=1000
    )


class AcceptInputSerializer(serializers.Serializer):
    proposal = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="One of this need's proposals.")


class AcceptOutputSerializer(serializers.Serializer):
    contract_id = serializers.IntegerField(help_text="The contract proposal made from it, to sign.")
    need = MerchantNeedDetailSerializer()


# --- the merchant's side ----------------------------------------------------------------------------


class MerchantNeedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, MerchantScopedViewSet):
    """The current merchant's posted needs, newest first (`status`, `mode`); post one, accept a proposal,
    withdraw an open one."""

    model = Rfq
    filterset_class = RfqFilter

    def get_serializer_class(self):
        return MerchantNeedOutputSerializer if self.action == "list" else MerchantNeedDetailSerializer

    def scope_queryset(self, queryset):
        return rfq_list(queryset) if self.action == "list" else rfq_detail(queryset)

    def detail_data(self, need) -> dict:
        return MerchantNeedDetailSerializer(rfq_detail(Rfq.objects.filter(pk=need.pk)).get()).data

    @extend_schema(
        request=NeedCreateInputSerializer,
        responses={
            201: MerchantNeedDetailSerializer,
            400: OpenApiResponse(
                description="Invalid fields, a store that is not yours (`store_not_yours`) or not in the city "
                "(`store_not_in_city`), a budget range upside down (`budget_range`), a deadline in the past "
                "(`deadline_past`) or more than 60 days away (`deadline_too_far`)."
            ),
        },
        examples=[
            OpenApiExample(
                "Short videos for two stores",
                value={
                    "title": "两家火锅店的抖音短视频",
                    "track": 1,
                    "city": 3,
                    "stores": [12, 13],
                    "mode": "specialized",
                    "budget_min": "3000.00",
                    "budget_max": "8000.00",
                    "deadline": "2026-07-01T18:00:00+08:00",
                    "description": "每月8条团购短视频，下月开始。",
                },
                request_only=True,
            )
        ],
    )
    def create(self, request):
        """Post a need: the providers eligible for it see it in their feed."""
        data = NeedCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        track = Track.objects.active().filter(pk=fields["track"]).first()
        city = ServiceCity.objects.active().filter(pk=fields["city"]).first()
        wanted = set(fields["stores"])
        stores = list(Store.objects.filter(pk__in=wanted))  # the merchant's scope: only its own stores
        errors = {}
        if track is None:
            errors["track"] = [_("No such track.")]
        if city is None:
            errors["city"] = [_("No such city.")]
        if len(stores) != len(wanted):
            errors["stores"] = [_("You can only post needs for your own stores.")]
        if errors:
            raise ValidationError(errors)
        need = rfq_create(actor=request.actor, **(fields | {"track": track, "city": city, "stores": stores}))
        return Response(self.detail_data(need), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=AcceptInputSerializer,
        responses={
            200: AcceptOutputSerializer,
            400: OpenApiResponse(description="Not one of this need's proposals (`proposal_not_found`)."),
            409: OpenApiResponse(
                description="The need or the proposal is no longer open (`invalid_transition`), the deadline "
                "passed (`rfq_closed`), or the contract cannot be proposed (its code)."
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Accept one proposal: it becomes a contract proposal for you to sign; the others are closed."""
        need = self.get_object()
        data = AcceptInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        proposal = Proposal.objects.filter(rfq=need, pk=data.validated_data["proposal"]).first()
        contract = rfq_accept(actor=request.actor, rfq=need, proposal=proposal)
        return Response({"contract_id": contract.pk, "need": self.detail_data(need)})

    @extend_schema(
        request=None,
        responses={
            200: MerchantNeedDetailSerializer,
            409: OpenApiResponse(description="The need is no longer open."),
        },
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Withdraw an open need: its proposals are closed and their providers told."""
        return Response(self.detail_data(rfq_cancel(actor=request.actor, rfq=self.get_object())))


# --- the provider's side ----------------------------------------------------------------------------


class NeedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProviderScopedViewSet):
    """The feed: open needs the current provider may answer, the soonest deadline first (`city`, `track`,
    `mode`, `proposed=yes|no`); one need (also one it proposed for, whatever became of it); propose once.
    A need is the merchant's row: the provider's queryset is its visible needs (`rfqs_visible_to`)."""

    model = Rfq
    serializer_class = ProviderNeedOutputSerializer
    write_permission = Action.ANSWER_RFQS

    filterset_class = FeedFilter

    def scope_queryset(self, queryset):
        if self.action == "list":
            return rfq_feed(self.request.provider)
        return rfq_for_provider(rfqs_visible_to(self.request.provider))

    @extend_schema(
        request=ProposeInputSerializer,
        responses={
            201: MyProposalSerializer,
            400: OpenApiResponse(
                description="Invalid fields, a timeline out of range (`timeline_out_of_range`: full operation "
                "runs 90–1095 days), full operation without delivery standards (`standards_required`)."
            ),
            403: OpenApiResponse(description="Your role cannot answer needs (owner, admins and BD staff can)."),
            409: OpenApiResponse(
                description="You already proposed (`proposal_exists`), the need no longer takes proposals "
                "(`rfq_closed`), you may not answer it (`not_eligible`) or are suspended (`provider_not_active`)."
            ),
        },
        examples=[
            OpenApiExample(
                "Eight short videos",
                value={
                    "price": "6800.00",
                    "scope": "两家门店每月8条团购短视频，含脚本与剪辑。",
                    "deliverables": "8条短视频、月度数据报告",
                    "timeline_days": 30,
                    "service_area": "short_video",
                    "service_level": "value_added",
                },
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def propose(self, request, pk=None):
        """Send your one proposal for this need; the merchant is told."""
        need = self.get_object()
        data = ProposeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        proposal = rfq_propose(actor=request.actor, rfq=need, **data.validated_data)
        shown = my_proposals(Proposal.objects.filter(pk=proposal.pk)).get()
        return Response(MyProposalSerializer(shown).data, status=status.HTTP_201_CREATED)


class ProposalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProviderScopedViewSet):
    """The current provider's proposals, newest first (`status`); withdraw a submitted one."""

    model = Proposal
    serializer_class = MyProposalSerializer
    filterset_fields = ["status"]
    write_permission = Action.ANSWER_RFQS

    def scope_queryset(self, queryset):
        return my_proposals(queryset)

    @extend_schema(
        request=None,
        responses={200: MyProposalSerializer, 409: OpenApiResponse(description="It is no longer submitted.")},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Withdraw your proposal (you cannot send another for that need); the merchant is told."""
        proposal = proposal_withdraw(actor=request.actor, proposal=self.get_object())
        return Response(self.get_serializer(self.get_queryset().get(pk=proposal.pk)).data)


routes = [
    ("merchant/needs", MerchantNeedViewSet, "merchant-need"),
    ("needs", NeedViewSet, "need"),
    ("proposals", ProposalViewSet, "rfq-proposal"),
]
urlpatterns = []
