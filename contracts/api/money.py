"""API twins of the money pages: GMV records (`gmv/`: the provider's attributed records, and `gmv/batch/` to
record up to 1,000 at once; `merchant/gmv/`: all of the merchant's own) and statements (`statements/`: list,
retrieve, issue a month, reissue a disputed one, mark a confirmed one paid; `merchant/statements/`: list,
retrieve, confirm, dispute). `routes` (prefix, viewset, basename) and `urlpatterns` are merged by
`contracts.api.urls`."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from linke.http import MAX_ID
from merchants.api.base import MerchantScopedViewSet
from providers.api.base import ProviderScopedViewSet
from providers.permissions import Action

from ..choices import ContractKind, GmvKind
from ..models import Contract, GmvRecord, Statement
from ..money_forms import MONTH_FORMATS, GmvFilter, StatementFilter, validate_month
from ..selectors.money import gmv_list, statement_detail, statement_list
from ..services.money import (
    MAX_BATCH,
    REASON_MAX_LENGTH,
    gmv_record_batch,
    month_label,
    statement_confirm,
    statement_dispute,
    statement_issue,
    statement_mark_paid,
)

MONEY = {"max_digits": 14, "decimal_places": 2}


# --- GMV records -------------------------------------------------------------------------------------


class GmvRecordOutputSerializer(serializers.ModelSerializer):
    store = serializers.IntegerField(source="store_id", help_text="The store's id.")
    contract = serializers.IntegerField(
        source="contract_id", allow_null=True, help_text="The contract it is attributed to (null: unattributed)."
    )
    refund_of = serializers.CharField(
        source="refund_of.order_no", allow_null=True, default=None, help_text="A refund: the order it refunds."
    )
    amount = serializers.DecimalField(**MONEY, help_text="CNY; negative for a refund.")

    class Meta:
        model = GmvRecord
        fields = ["id", "order_no", "kind", "refund_of", "store", "contract", "amount", "ordered_at", "created_at"]


class GmvRecordInputSerializer(serializers.Serializer):
    """One record of a batch, as documented; each is checked by the service and answered on its own."""

    order_no = serializers.CharField(max_length=64, help_text="1–64 visible characters, unique on the platform.")
    kind = serializers.ChoiceField(choices=GmvKind.choices)
    store = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="A store one of your full-operation contracts covers that day."
    )
    amount = serializers.DecimalField(
        **MONEY, help_text="CNY with at most 2 places (a string is exact): > 0 for an order, < 0 for a refund."
    )
    ordered_at = serializers.DateTimeField(help_text="ISO 8601 with its offset, not in the future.")
    refund_of = serializers.CharField(
        required=False, help_text="A refund only: the order number it refunds (its refunds cannot exceed it)."
    )


@extend_schema_field(GmvRecordInputSerializer(many=True))
class RecordsField(serializers.ListField):
    """The records as sent: their shape is checked one by one by the service, which answers each."""

    child = serializers.JSONField()


class GmvBatchInputSerializer(serializers.Serializer):
    records = RecordsField(help_text=f"At most {MAX_BATCH} records.")


RESULT_STATUSES = [("created", "created"), ("unchanged", "unchanged"), ("rejected", "rejected")]


class GmvRecordResultSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="The record's position in `records`, from 0.")
    order_no = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=RESULT_STATUSES)
    code = serializers.CharField(
        help_text="Empty when created; `already_recorded` when unchanged; why, when rejected: `not_attributed`, "
        "`order_no_invalid`, `kind_invalid`, `store_invalid`, `amount_invalid`, `amount_sign`, `ordered_at_invalid`, "
        "`ordered_at_naive`, `ordered_at_future`, `refund_of_missing`, `refund_of_unexpected`, `refund_of_invalid`, "
        "`refund_order_unknown`, `refund_store_mismatch`, `refund_before_order`, `refund_exceeds_order`, "
        "`duplicate_order_no`, `invalid_record`."
    )
    message = serializers.CharField()


class GmvBatchOutputSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    rejected = serializers.IntegerField()
    results = GmvRecordResultSerializer(many=True)


BATCH_EXAMPLE = OpenApiExample(
    "An order and a partial refund",
    value={
        "records": [
            {
                "order_no": "DY202601050001",
                "kind": "order",
                "store": 12,
                "amount": "268.00",
                "ordered_at": "2026-01-05T12:30:00+08:00",
            },
            {
                "order_no": "DY202601050001-R1",
                "kind": "refund",
                "store": 12,
                "amount": "-68.00",
                "ordered_at": "2026-01-06T09:00:00+08:00",
                "refund_of": "DY202601050001",
            },
        ]
    },
    request_only=True,
)


class GmvViewSet(mixins.ListModelMixin, ProviderScopedViewSet):
    """GMV records attributed to the current provider's contracts, newest first (`month=YYYY-MM`,
    `contract`, `store`, `kind`). Every member reads them; the owner, admins and operators record them."""

    model = GmvRecord
    serializer_class = GmvRecordOutputSerializer
    filterset_class = GmvFilter
    write_permission = Action.RECORD_GMV

    def scope_queryset(self, queryset):
        return gmv_list(queryset)

    @extend_schema(
        request=GmvBatchInputSerializer,
        responses={
            200: GmvBatchOutputSerializer,
            400: OpenApiResponse(
                description=f"No records (`batch_empty`) or more than {MAX_BATCH} (`batch_too_large`): nothing is "
                "recorded. A record that is not valid is answered in `results`, not here."
            ),
        },
        examples=[BATCH_EXAMPLE],
    )
    @action(detail=False, methods=["post"])
    def batch(self, request):
        """Record up to 1,000 orders and refunds at once, each answered on its own (`results`, in order):
        `created`, `unchanged` (its order number is already recorded: posting a batch again changes nothing)
        or `rejected` with a `code`. A store counts only on the days one of your full-operation contracts
        covers it (commission stops on the end date)."""
        data = GmvBatchInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        results = gmv_record_batch(actor=request.actor, records=data.validated_data["records"])
        counts = {name: sum(1 for result in results if result["status"] == name) for name in ("created", "unchanged")}
        counts["rejected"] = len(results) - counts["created"] - counts["unchanged"]
        return Response(GmvBatchOutputSerializer(counts | {"results": results}).data)


class MerchantGmvViewSet(mixins.ListModelMixin, MerchantScopedViewSet):
    """The current merchant's GMV records (attributed to a contract or not), newest first (`month`,
    `contract`, `kind`)."""

    model = GmvRecord
    serializer_class = GmvRecordOutputSerializer
    filterset_class = GmvFilter

    def scope_queryset(self, queryset):
        return gmv_list(queryset)


# --- Statements --------------------------------------------------------------------------------------


class StatementContractSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    fingerprint = serializers.CharField(source="signed_fingerprint", help_text="SHA-256 of the signed terms.")


class StatementPartySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    credit_code = serializers.CharField(help_text="统一社会信用代码 (may be empty for a merchant).")


class StatementOutputSerializer(serializers.ModelSerializer):
    contract = StatementContractSerializer()
    provider = StatementPartySerializer()
    merchant = StatementPartySerializer()
    month = serializers.SerializerMethodField(help_text="YYYY-MM.")
    fixed_fee = serializers.DecimalField(**MONEY, help_text="Monthly fee × days covered ÷ days in the month.")
    gmv = serializers.DecimalField(**MONEY, help_text="Attributed orders of the month.")
    refunds = serializers.DecimalField(**MONEY, help_text="Attributed refunds of the month, as a positive amount.")
    commission = serializers.DecimalField(**MONEY, help_text="(GMV − refunds) × commission_bp ÷ 10,000.")
    total = serializers.DecimalField(**MONEY, help_text="Fixed fee + commission; each amount rounded once, half up.")

    class Meta:
        model = Statement
        fields = [
            "id",
            "contract",
            "provider",
            "merchant",
            "month",
            "days_covered",
            "fixed_fee",
            "gmv",
            "refunds",
            "commission_bp",
            "commission",
            "total",
            "status",
            "is_final",
            "issued_at",
            "confirmed_at",
            "dispute_reason",
            "disputed_at",
            "paid_at",
        ]

    def get_month(self, statement) -> str:
        return month_label(statement.period)


class StatementIssueInputSerializer(serializers.Serializer):
    contract = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="One of your full-operation contracts."
    )
    month = serializers.DateField(
        input_formats=MONTH_FORMATS, validators=[validate_month], help_text="YYYY-MM, a month that is over."
    )


class StatementDisputeInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH, help_text="The provider sees it.")


class StatementResponderMixin:
    def respond(self, statement, status_code=status.HTTP_200_OK):
        return Response(self.get_serializer(self.get_queryset().get(pk=statement.pk)).data, status=status_code)


class StatementViewSet(
    StatementResponderMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ProviderScopedViewSet
):
    """Statements of the current provider's contracts, latest month first (`status`, `month`, `contract`).
    Every member reads them; the owner and admins issue, reissue and mark them paid."""

    model = Statement
    serializer_class = StatementOutputSerializer
    filterset_class = StatementFilter
    write_permission = Action.MANAGE_STATEMENTS

    def scope_queryset(self, queryset):
        return statement_list(queryset) if self.action == "list" else statement_detail(queryset)

    @extend_schema(
        request=StatementIssueInputSerializer,
        responses={
            201: StatementOutputSerializer,
            400: OpenApiResponse(
                description="A month the contract does not cover (`statement_not_covered`) or not over yet "
                "(`statement_not_due`)."
            ),
            409: OpenApiResponse(description="That month's statement was issued already (`statement_exists`)."),
        },
        examples=[OpenApiExample("Issue January", value={"contract": 42, "month": "2026-01"}, request_only=True)],
    )
    def create(self, request):
        """Issue the statement of one month of a full-operation contract (the monthly run issues them on the
        1st; this is for a month it missed)."""
        data = StatementIssueInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        contract = Contract.objects.filter(pk=data.validated_data["contract"], kind=ContractKind.FULL_OPERATION).first()
        if contract is None:
            raise ValidationError({"contract": [_("No such full-operation contract of yours.")]})
        statement = statement_issue(actor=request.actor, contract=contract, month=data.validated_data["month"])
        return self.respond(statement, status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={200: StatementOutputSerializer, 409: OpenApiResponse(description="The statement is not disputed.")},
    )
    @action(detail=True, methods=["post"])
    def reissue(self, request, pk=None):
        """Reissue a disputed statement, recomputed from the records as they are now."""
        statement = self.get_object()
        reissued = statement_issue(actor=request.actor, contract=statement.contract, month=statement.period)
        return self.respond(reissued)

    @extend_schema(
        request=None,
        responses={200: StatementOutputSerializer, 409: OpenApiResponse(description="The statement is not confirmed.")},
    )
    @action(detail=True, methods=["post"])
    def paid(self, request, pk=None):
        """Mark a confirmed statement paid; the merchant is told."""
        return self.respond(statement_mark_paid(actor=request.actor, statement=self.get_object()))


class MerchantStatementViewSet(
    StatementResponderMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, MerchantScopedViewSet
):
    """The current merchant's statements, latest month first (`status`, `month`, `contract`); confirm or
    dispute one that awaits you."""

    model = Statement
    serializer_class = StatementOutputSerializer
    filterset_class = StatementFilter

    def scope_queryset(self, queryset):
        return statement_list(queryset) if self.action == "list" else statement_detail(queryset)

    @extend_schema(
        request=None,
        responses={200: StatementOutputSerializer, 409: OpenApiResponse(description="It does not await you.")},
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """Confirm the statement: the provider then expects the payment."""
        return self.respond(statement_confirm(actor=request.actor, statement=self.get_object()))

    @extend_schema(
        request=StatementDisputeInputSerializer,
        responses={200: StatementOutputSerializer, 409: OpenApiResponse(description="It does not await you.")},
        examples=[OpenApiExample("Dispute", value={"reason": "1月退款未扣除"}, request_only=True)],
    )
    @action(detail=True, methods=["post"])
    def dispute(self, request, pk=None):
        """Dispute the statement with a reason; the provider reissues it, recomputed."""
        data = StatementDisputeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        statement = self.get_object()
        return self.respond(statement_dispute(actor=request.actor, statement=statement, **data.validated_data))


routes = [
    ("gmv", GmvViewSet, "gmv"),
    ("merchant/gmv", MerchantGmvViewSet, "merchant-gmv"),
    ("statements", StatementViewSet, "statement"),
    ("merchant/statements", MerchantStatementViewSet, "merchant-statement"),
]
urlpatterns = []
