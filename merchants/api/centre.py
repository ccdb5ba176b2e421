"""API twins of the merchant centre: the merchant's own profile and stores (/api/v1/merchant/...), and the
districts of a service city, which the store form needs (/api/v1/reference/cities/<id>/districts/)."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from linke.api.fields import CreditCodeSerializerField
from linke.errors import ConflictError, PermissionDeniedError
from reference.models import Region, ServiceCity

from ..models import Merchant, Store
from ..selectors.centre import (
    county_regions,
    district_choices,
    district_problem,
    store_city_choices,
    store_list,
    subcategory_choices,
)
from ..services.centre import (
    MERCHANT_EXISTS,
    PROFILE_FIELDS,
    STORE_FIELDS,
    merchant_create,
    merchant_update,
    store_create,
    store_update,
)
from .base import HasMerchant, MerchantAPIView, MerchantScopedViewSet

# --- the merchant profile ---------------------------------------------------------------------------


class MerchantProfileInputSerializer(serializers.ModelSerializer):
    credit_code = CreditCodeSerializerField(
        max_length=40,
        required=False,
        allow_blank=True,
        help_text="统一社会信用代码 (optional); spaces, hyphens, full-width characters and case do not matter.",
    )

    class Meta:
        model = Merchant
        fields = PROFILE_FIELDS
        extra_kwargs = {"contact_mobile": {"help_text": "A mainland China mobile number, e.g. 13812345678."}}


class MerchantProfileOutputSerializer(serializers.ModelSerializer):
    contact_mobile = serializers.CharField(help_text="E.164, or empty.")

    class Meta:
        model = Merchant
        fields = ["id", *PROFILE_FIELDS, "created_at"]


PROFILE_EXAMPLE = OpenApiExample(
    "Create a merchant profile",
    value={
        "name": "福州老张餐饮管理有限公司",
        "credit_code": "91350100M000100435",
        "contact_name": "张三",
        "contact_mobile": "13812345678",
    },
    request_only=True,
)


class MerchantProfileView(MerchantAPIView):
    """The signed-in user's merchant profile: `POST` creates it (once per user), `GET` reads it and
    `PATCH` changes it. Without a merchant account `GET` and `PATCH` answer 403 `no_merchant`; a second
    `POST` answers 409 `merchant_exists`."""

    merchant_required = False  # POST is how a user gets a merchant account

    def current(self, request) -> Merchant:
        if request.merchant is None:
            raise PermissionDeniedError(HasMerchant.message, code=HasMerchant.code)
        return request.merchant

    @extend_schema(responses=MerchantProfileOutputSerializer)
    def get(self, request):
        return Response(MerchantProfileOutputSerializer(self.current(request)).data)

    @extend_schema(
        request=MerchantProfileInputSerializer,
        responses={201: MerchantProfileOutputSerializer},
        examples=[PROFILE_EXAMPLE],
    )
    def post(self, request):
        if request.merchant is not None:
            raise ConflictError(MERCHANT_EXISTS, code="merchant_exists")
        data = MerchantProfileInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        merchant = merchant_create(actor=request.actor, user=request.user, data=data.validated_data)
        return Response(MerchantProfileOutputSerializer(merchant).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=MerchantProfileInputSerializer(partial=True),
        responses=MerchantProfileOutputSerializer,
        examples=[OpenApiExample("Change the contact", value={"contact_name": "李四"}, request_only=True)],
    )
    def patch(self, request):
        merchant = self.current(request)
        data = MerchantProfileInputSerializer(merchant, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        merchant = merchant_update(actor=request.actor, merchant=merchant, data=data.validated_data)
        return Response(MerchantProfileOutputSerializer(merchant).data)


# --- stores -----------------------------------------------------------------------------------------


class StoreInputSerializer(serializers.ModelSerializer):
    """`city` by id, `district` by its adcode (a county of that city, optional), `category` by the
    sub-category's slug."""

    city = serializers.PrimaryKeyRelatedField(queryset=store_city_choices())
    district = serializers.SlugRelatedField(
        slug_field="code", queryset=county_regions(), required=False, allow_null=True
    )
    category = serializers.SlugRelatedField(slug_field="slug", queryset=subcategory_choices())

    class Meta:
        model = Store
        fields = STORE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None:  # a city operators have since deactivated stays the store's
            self.fields["city"].queryset = store_city_choices(self.instance)

    def validate(self, attrs):
        city = attrs.get("city", getattr(self.instance, "city", None))
        district = attrs.get("district", getattr(self.instance, "district", None))
        if problem := district_problem(city, district):
            raise serializers.ValidationError({"district": [problem]})
        return attrs


class StoreOutputSerializer(serializers.ModelSerializer):
    city_name = serializers.CharField(source="city.name")
    district = serializers.CharField(source="district_id", allow_null=True, help_text="adcode")
    district_name = serializers.CharField(source="district.name", allow_null=True, default=None)
    category = serializers.CharField(source="category.slug")
    category_name = serializers.CharField(source="category.name")

    class Meta:
        model = Store
        fields = [
            "id",
            "name",
            "city",
            "city_name",
            "district",
            "district_name",
            "address",
            "category",
            "category_name",
            "average_ticket",
            "created_at",
        ]


STORE_EXAMPLE = OpenApiExample(
    "Add a store",
    value={
        "name": "老张火锅(五四路店)",
        "city": 115,
        "district": "350102",
        "address": "鼓楼区五四路88号",
        "category": "hotpot",
        "average_ticket": "88.00",
    },
    request_only=True,
)


class StoreViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, MerchantScopedViewSet):
    """The merchant's stores: list, add, read and change (`PATCH`). Adding a store makes a merchant with a
    contact mobile a lead (`merchants.services.centre.store_create`)."""

    model = Store
    serializer_class = StoreOutputSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def scope_queryset(self, queryset):
        return store_list(queryset)

    @extend_schema(request=StoreInputSerializer, responses={201: StoreOutputSerializer}, examples=[STORE_EXAMPLE])
    def create(self, request):
        data = StoreInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        store = store_create(actor=request.actor, merchant=request.merchant, data=data.validated_data)
        return Response(StoreOutputSerializer(store).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=StoreInputSerializer(partial=True),
        responses=StoreOutputSerializer,
        examples=[OpenApiExample("Change the average ticket", value={"average_ticket": "96.00"}, request_only=True)],
    )
    def partial_update(self, request, pk=None):
        store = self.get_object()
        data = StoreInputSerializer(store, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        store = store_update(actor=request.actor, store=store, data=data.validated_data)
        return Response(StoreOutputSerializer(store_list().get(pk=store.pk)).data)


# --- reference: the districts of a service city -----------------------------------------------------


class DistrictOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name"]


class CityDistrictsView(APIView):
    """The districts of a service city (its county-level regions, by adcode): what a store's `district`
    may be. Reference data, the same for every signed-in user."""

    pagination_class = None

    @extend_schema(
        responses={200: DistrictOutputSerializer(many=True), 404: OpenApiResponse(description="No such city.")}
    )
    def get(self, request, pk):
        city = ServiceCity.objects.filter(pk=pk).first()
        if city is None:
            raise NotFound()
        return Response(DistrictOutputSerializer(district_choices(city), many=True).data)
