"""API twins of the cooperation request pages: the provider's inbox (`requests/`) and the merchant's requests
(`merchant/requests/`). A GET never writes: the inbox marks a request read with `POST requests/<id>/read/`."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from linke.http import MAX_ID
from providers.api.base import ProviderScopedViewSet
from providers.choices import CooperationMode
from providers.models import Provider
from providers.permissions import Action

from ..models import CooperationRequest, CooperationRequestStore, Store
from ..request_forms import MESSAGE_MAX_LENGTH, REASON_MAX_LENGTH, InboxFilter, SentFilter
from ..rules import REQUESTS_PER_DAY
from ..selectors.requests import request_detail, request_inbox, request_sent_list
from ..services.requests import request_decline, request_mark_read, request_send, request_withdraw
from .base import MerchantScopedViewSet

MAX_STORES = 100


class RequestStoreSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="store.id")
    name = serializers.CharField(source="store.name")
    city = serializers.CharField(source="store.city")
    district = serializers.CharField(source="store.district", allow_null=True)
    address = serializers.CharField(source="store.address")
    category = serializers.CharField(source="store.category", help_text="The store's sub-category.")

    class Meta:
        model = CooperationRequestStore
        fields = ["id", "name", "city", "district", "address", "category"]


class RequestMerchantSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    contact_name = serializers.CharField()
    contact_mobile = serializers.CharField(help_text="E.164, e.g. +8613812345678 (empty if not given).")


class RequestProviderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


REQUEST_FIELDS = ["id", "mode", "status", "message", "stores", "decline_reason", "answered_at", "created_at"]


class InboxRequestOutputSerializer(serializers.ModelSerializer):
    merchant = RequestMerchantSerializer(help_text="Who sent it, and whom to call: they asked to be contacted.")
    stores = RequestStoreSerializer(source="request_stores", many=True)

    class Meta:
        model = CooperationRequest
        fields = [*REQUEST_FIELDS[:1], "merchant", *REQUEST_FIELDS[1:], "read_at"]


class SentRequestOutputSerializer(serializers.ModelSerializer):
    provider = RequestProviderSerializer()
    stores = RequestStoreSerializer(source="request_stores", many=True)

    class Meta:
        model = CooperationRequest
        fields = [*REQUEST_FIELDS[:1], "provider", *REQUEST_FIELDS[1:]]


class RequestSendInputSerializer(serializers.Serializer):
    provider = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The provider's id.")
    mode = serializers.ChoiceField(choices=CooperationMode.choices, help_text="One the provider offers.")
    stores = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        min_length=1,
        max_length=MAX_STORES,
        help_text="Ids of your own stores.",
    )
    message = serializers.CharField(max_length=MESSAGE_MAX_LENGTH)


class RequestDeclineInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH, help_text="The merchant sees it.")


SEND_EXAMPLE = OpenApiExample(
    "Ask for full operation of two stores",
    value={"provider": 7, "mode": "full_operation", "stores": [12, 13], "message": "想做抖音团购，下月开始。"},
    request_only=True,
)


class InboxViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProviderScopedViewSet):
    """Cooperation requests the current provider received, newest first (`status`, `mode`, `unread=true`).
    Every member reads them; the owner, admins and BD staff decline them."""

    model = CooperationRequest
    serializer_class = InboxRequestOutputSerializer
    filterset_class = InboxFilter
    write_permission = Action.ANSWER_REQUESTS
    action_permissions = {"read": Action.VIEW}

    def scope_queryset(self, queryset):
        return request_inbox(queryset) if self.action == "list" else request_detail(queryset)

    def respond(self, obj):
        return Response(self.get_serializer(self.get_queryset().get(pk=obj.pk)).data)

    @extend_schema(request=None, responses=InboxRequestOutputSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """Mark the request read for the whole provider (the first time counts)."""
        return self.respond(request_mark_read(actor=request.actor, request=self.get_object()))

    @extend_schema(
        request=RequestDeclineInputSerializer,
        responses={
            200: InboxRequestOutputSerializer,
            409: OpenApiResponse(description="The request is no longer open (declined or withdrawn)."),
        },
        examples=[OpenApiExample("Decline", value={"reason": "暂不服务该城市"}, request_only=True)],
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        """Decline an open request with a reason; the merchant is notified and its stores are free again."""
        data = RequestDeclineInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        obj = self.get_object()
        return self.respond(request_decline(actor=request.actor, request=obj, reason=data.validated_data["reason"]))


class SentRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, MerchantScopedViewSet):
    """The current merchant's cooperation requests, newest first (`status`, `provider`); send one, withdraw
    an open one."""

    model = CooperationRequest
    serializer_class = SentRequestOutputSerializer
    filterset_class = SentFilter

    def scope_queryset(self, queryset):
        return request_sent_list(queryset)

    def respond(self, obj, status_code=status.HTTP_200_OK):
        return Response(self.get_serializer(self.get_queryset().get(pk=obj.pk)).data, status=status_code)

    @extend_schema(
        request=RequestSendInputSerializer,
        responses={
            201: SentRequestOutputSerializer,
            400: OpenApiResponse(
                description="Invalid fields, a store that is not yours, or a mode the provider does not offer "
                "(`mode_not_offered`)."
            ),
            409: OpenApiResponse(
                description="One of the stores has an open request to this provider (`request_open_exists`), "
                "or the provider cannot receive requests (`provider_not_active`)."
            ),
            429: OpenApiResponse(
                description=f"You sent {REQUESTS_PER_DAY} requests today (`request_daily_limit`; Asia/Shanghai "
                "calendar day, `details.resets_at` says when)."
            ),
        },
        examples=[SEND_EXAMPLE],
    )
    def create(self, request):
        """Send a provider a cooperation request for some of your stores."""
        data = RequestSendInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        provider = Provider.objects.filter(pk=fields["provider"]).first()
        if provider is None:
            raise ValidationError({"provider": [_("No such provider.")]})
        wanted = set(fields["stores"])
        stores = list(Store.objects.filter(pk__in=wanted))  # the merchant's scope: only its own stores
        if len(stores) != len(wanted):
            raise ValidationError({"stores": [_("You can only send requests for your own stores.")]})
        sent = request_send(
            actor=request.actor, provider=provider, stores=stores, mode=fields["mode"], message=fields["message"]
        )
        return self.respond(sent, status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={
            200: SentRequestOutputSerializer,
            409: OpenApiResponse(description="The request is no longer open."),
        },
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Withdraw an open request: the provider sees it withdrawn, the stores are free again."""
        return self.respond(request_withdraw(actor=request.actor, request=self.get_object()))
