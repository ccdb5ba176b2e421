"""API twins of the review pages: the provider's reviews (`reviews/`: list, retrieve, reply) and the
merchant's (`merchant/reviews/`: list and retrieve its own, create one for a contract)."""

from django.http import Http404
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from linke.http import MAX_ID
from merchants.api.base import MerchantScopedViewSet
from providers.api.base import ProviderScopedViewSet
from providers.permissions import Action

from ..models import Contract, Review
from ..review_forms import ProviderReviewFilter
from ..rules import REVIEW_TEXT_MAX_LENGTH
from ..selectors.reviews import review_detail, review_list
from ..services.reviews import review_create, review_reply


class ReviewPartySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ReviewContractSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField()


REVIEW_FIELDS = [
    "id",
    "contract",
    "professionalism",
    "communication",
    "results",
    "stars",
    "text",
    "created_at",
    "reply",
    "replied_at",
]


class ReviewOutputSerializer(serializers.ModelSerializer):
    contract = ReviewContractSerializer()
    stars = serializers.DecimalField(
        max_digits=2, decimal_places=1, read_only=True, help_text="The average of the three points, one decimal."
    )

    class Meta:
        model = Review
        fields = REVIEW_FIELDS


class ProviderReviewOutputSerializer(ReviewOutputSerializer):
    merchant = ReviewPartySerializer(help_text="Who wrote it.")

    class Meta(ReviewOutputSerializer.Meta):
        fields = [*REVIEW_FIELDS[:2], "merchant", *REVIEW_FIELDS[2:]]


class MerchantReviewOutputSerializer(ReviewOutputSerializer):
    provider = ReviewPartySerializer(help_text="The provider reviewed.")

    class Meta(ReviewOutputSerializer.Meta):
        fields = [*REVIEW_FIELDS[:2], "provider", *REVIEW_FIELDS[2:]]


def _stars(help_text):
    return serializers.IntegerField(min_value=1, max_value=5, help_text=help_text)


class ReviewCreateInputSerializer(serializers.Serializer):
    contract = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The id of one of your contracts.")
    professionalism = _stars("Stars, 1–5.")
    communication = _stars("Stars, 1–5.")
    results = _stars("Stars, 1–5.")
    text = serializers.CharField(max_length=REVIEW_TEXT_MAX_LENGTH, trim_whitespace=False)


class ReviewReplyInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=REVIEW_TEXT_MAX_LENGTH, trim_whitespace=False)


class ReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProviderScopedViewSet):
    """Reviews of the current provider's contracts, newest first (`replied=no|yes`, `stars=2|3|4`: an average
    of at most that many stars). Every member reads them; the owner, admins and operators reply, once."""

    model = Review
    serializer_class = ProviderReviewOutputSerializer
    filterset_class = ProviderReviewFilter
    write_permission = Action.REPLY_REVIEWS

    def scope_queryset(self, queryset):
        return review_list(queryset) if self.action == "list" else review_detail(queryset)

    @extend_schema(
        request=ReviewReplyInputSerializer,
        responses={
            200: ProviderReviewOutputSerializer,
            400: OpenApiResponse(description="No visible text, hidden characters or over 2,000 characters."),
            409: OpenApiResponse(description="The review has a reply already (`reply_exists`)."),
        },
        examples=[OpenApiExample("Reply", value={"text": "感谢认可，我们会继续努力！"}, request_only=True)],
    )
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        """Reply to the review (once); the reply is shown under it, on the public profile too."""
        data = ReviewReplyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = review_reply(actor=request.actor, review=self.get_object(), text=data.validated_data["text"])
        return Response(self.get_serializer(self.get_queryset().get(pk=review.pk)).data)


class MerchantReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, MerchantScopedViewSet):
    """The reviews the current merchant wrote, newest first, with the providers' replies; create one for a
    contract whose deliverable was accepted or that has ended."""

    model = Review
    serializer_class = MerchantReviewOutputSerializer

    def scope_queryset(self, queryset):
        return review_list(queryset) if self.action == "list" else review_detail(queryset)

    @extend_schema(
        request=ReviewCreateInputSerializer,
        responses={
            201: MerchantReviewOutputSerializer,
            400: OpenApiResponse(
                description="Invalid fields, or the contract cannot be reviewed yet (`review_not_yet`: no "
                "deliverable accepted and not ended)."
            ),
            404: OpenApiResponse(description="No such contract of yours."),
            409: OpenApiResponse(description="The contract has been reviewed already (`review_exists`)."),
        },
        examples=[
            OpenApiExample(
                "Review a contract",
                value={
                    "contract": 42,
                    "professionalism": 5,
                    "communication": 4,
                    "results": 5,
                    "text": "响应及时，效果明显。",
                },
                request_only=True,
            )
        ],
    )
    def create(self, request):
        """Review one of your contracts: 1–5 stars on three points and a text (once per contract)."""
        data = ReviewCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        contract = Contract.objects.filter(pk=fields.pop("contract")).first()  # the merchant's scope: its own
        if contract is None:
            raise Http404
        review = review_create(actor=request.actor, contract=contract, **fields)
        return Response(self.get_serializer(self.get_queryset().get(pk=review.pk)).data, status=status.HTTP_201_CREATED)


routes = [
    ("reviews", ReviewViewSet, "review"),
    ("merchant/reviews", MerchantReviewViewSet, "merchant-review"),
]
urlpatterns = []
