"""Serializers of the contracts domain's API, one section per area; Input (what a client sends, checked here
for shape and type, the rules being the services') and Output (what it reads) are separate classes."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from linke.http import MAX_ID

from ..choices import ServiceArea, ServiceLevel, StandardKind
from ..forms import REASON_MAX_LENGTH, SCOPE_MAX_LENGTH, TITLE_MAX_LENGTH
from ..models import Contract, ContractEvent, ContractStore, DeliveryStandard, ServiceItem

# === contracts ======================================================================================

MAX_ITEMS = 50
MAX_STORES = 100
MONEY = {"max_digits": 14, "decimal_places": 2}
PROVIDER_ACTIONS = ["edit", "propose", "revise", "cancel", "notice", "agree_notice", "upgrade"]
MERCHANT_ACTIONS = ["sign", "reject", "cancel", "notice", "agree_notice", "return_to_pool"]
ACTIONS = [*PROVIDER_ACTIONS, *(name for name in MERCHANT_ACTIONS if name not in PROVIDER_ACTIONS)]


class PartySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ContractStoreOutputSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="store.id")
    name = serializers.CharField(source="store.name")
    city = serializers.CharField(source="store.city")
    district = serializers.CharField(source="store.district", allow_null=True)
    address = serializers.CharField(source="store.address")

    class Meta:
        model = ContractStore
        fields = ["id", "name", "city", "district", "address"]


class ServiceItemOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceItem
        fields = ["area", "level", "title", "unit_price", "quantity", "due_date"]


class DeliveryStandardOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeliveryStandard
        fields = ["kind", "target"]


class ContractEventOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContractEvent
        fields = ["kind", "side", "actor_name", "note", "created_at"]


CONTRACT_FIELDS = [
    "id",
    "kind",
    "status",
    "origin",
    "version",
    "title",
    "scope",
    "merchant",
    "provider",
    "stores",
    "start_date",
    "end_date",
    "monthly_fee",
    "commission_bp",
    "total_price",
    "items",
    "standards",
    "request",
    "lead_claim",
    "upgraded_from",
    "created_at",
    "proposed_at",
    "signed_at",
    "signed_fingerprint",
    "activated_at",
    "reason",
    "ended_by",
    "ended_at",
    "notice_end_date",
    "notice_by",
    "notice_reason",
    "notice_at",
    "notice_agreed_at",
    "return_to_pool",
    "actions",
]


class ContractOutputSerializer(serializers.ModelSerializer):
    """A contract as both sides read it. `commission_bp`: basis points of attributed GMV (550 = 5.50 %).
    `actions`: what the caller may do now (the pages' buttons); the context names the side."""

    merchant = PartySerializer()
    provider = PartySerializer()
    stores = ContractStoreOutputSerializer(source="contract_stores", many=True)
    items = ServiceItemOutputSerializer(many=True, help_text="Service items (specialized).")
    standards = DeliveryStandardOutputSerializer(many=True, help_text="Delivery standards (full operation).")
    signed_fingerprint = serializers.CharField(help_text="SHA-256 (hex) of the terms as signed; empty until signed.")
    actions = serializers.SerializerMethodField()

    class Meta:
        model = Contract
        fields = CONTRACT_FIELDS

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=PROVIDER_ACTIONS + MERCHANT_ACTIONS))
    )
    def get_actions(self, contract) -> list[str]:
        from ..selectors.contracts import contract_actions

        side, membership = self.context["side"], self.context.get("membership")
        order = PROVIDER_ACTIONS if side == "provider" else MERCHANT_ACTIONS
        allowed = contract_actions(contract, side=side, membership=membership)
        return [name for name in order if name in allowed]


class ContractDetailOutputSerializer(ContractOutputSerializer):
    timeline = ContractEventOutputSerializer(source="events", many=True, help_text="Oldest first.")

    class Meta(ContractOutputSerializer.Meta):
        fields = [*CONTRACT_FIELDS, "timeline"]


class ServiceItemInputSerializer(serializers.Serializer):
    area = serializers.ChoiceField(choices=ServiceArea.choices)
    level = serializers.ChoiceField(choices=ServiceLevel.choices)
    title = serializers.CharField(max_length=100)
    unit_price = serializers.DecimalField(min_value=0, **MONEY)
    quantity = serializers.IntegerField(min_value=1, max_value=100)
    due_date = serializers.DateField()


class DeliveryStandardInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=StandardKind.choices)
    target = serializers.DecimalField(min_value=0, **MONEY)


class ContractTermsInputSerializer(serializers.Serializer):
    """The terms. Specialized: `items` (fees ignored). Full operation: `monthly_fee` and/or `commission_bp`
    (basis points: 550 = 5.50 % of attributed GMV) and `standards` (items ignored), a term of 90 days to 3
    years. With PATCH, fields left out keep their current values."""

    title = serializers.CharField(max_length=TITLE_MAX_LENGTH)
    scope = serializers.CharField(max_length=SCOPE_MAX_LENGTH, required=False, allow_blank=True, default="")
    start_date = serializers.DateField()
    end_date = serializers.DateField(help_text="Inclusive.")
    monthly_fee = serializers.DecimalField(required=False, allow_null=True, default=None, min_value=0, **MONEY)
    commission_bp = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0, max_value=10_000, help_text="550 = 5.50 %."
    )
    items = ServiceItemInputSerializer(many=True, required=False, default=list, max_length=MAX_ITEMS)
    standards = DeliveryStandardInputSerializer(
        many=True, required=False, default=list, max_length=len(StandardKind.values)
    )


class StoreIdsField(serializers.ListField):
    def __init__(self, **kwargs):
        child = serializers.IntegerField(min_value=1, max_value=MAX_ID)
        super().__init__(child=child, min_length=1, max_length=MAX_STORES, **kwargs)


class ContractCreateInputSerializer(ContractTermsInputSerializer):
    merchant = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="A merchant you work with (a request, a held lead, a contract)."
    )
    kind = serializers.ChoiceField(choices=Contract._meta.get_field("kind").choices)
    stores = StoreIdsField(help_text="Ids of the merchant's stores.")
    request = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID, help_text="The cooperation request answered."
    )
    lead_claim = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID, help_text="Your claim of the merchant's lead."
    )


class ContractUpdateInputSerializer(ContractTermsInputSerializer):
    stores = StoreIdsField(required=False, help_text="Ids of the merchant's stores (left out: unchanged).")


class ReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH, help_text="The other side reads it.")


class CancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=REASON_MAX_LENGTH,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required but for a draft.",
    )


class NoticeInputSerializer(serializers.Serializer):
    end_date = serializers.DateField(help_text="30 days from today or later takes effect; earlier needs agreement.")
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH)


class SignInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1, help_text="The version you read.")
    confirm_fees = serializers.BooleanField(
        default=False, help_text="Full operation: you confirm the fixed monthly fee and the commission."
    )


class ReturnToPoolInputSerializer(serializers.Serializer):
    agree = serializers.BooleanField(help_text="Whether your stores return to the lead pool when the contract ends.")
