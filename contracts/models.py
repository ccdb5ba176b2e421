"""合作合同 and what hangs off it: service items and delivery standards (the terms), the stores it covers,
deliverables and their SLA breaches, monthly KPI results, GMV records and statements, reviews, the
timeline both sides read, and the merchants' requests for proposals (需求发布).

Every row a provider and a merchant share is a `SharedScopedModel`: the provider sees it in its scope,
the merchant in its own, outside both a query fails closed. Writes go through `contracts.services`."""

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeOperators
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from linke.tenancy import scoped_manager
from merchants.tenancy import MerchantScopedModel, SharedScopedModel
from providers.choices import CooperationMode
from providers.models import get_private_storage

from .choices import (
    ContractEventKind,
    ContractKind,
    ContractOrigin,
    ContractStatus,
    DeliverableStatus,
    GmvKind,
    ProposalStatus,
    RfqStatus,
    ServiceArea,
    ServiceLevel,
    Side,
    StandardKind,
    StatementStatus,
)

# Statuses in which a full-operation contract holds its stores (the exclusion constraint's rows).
BINDING_STATUSES = (ContractStatus.SIGNED, ContractStatus.ACTIVE)
MONEY = {"max_digits": 14, "decimal_places": 2}


class Contract(SharedScopedModel):
    """合作合同 of one provider and one merchant for some of the merchant's stores, of one `kind`.

    Terms (dates, fees, items, standards) may change only while a draft or a proposal (each change of a
    proposal is a new `version`; the merchant signs the version it read). Signing freezes them in
    `signed_terms` with their SHA-256 `signed_fingerprint`; the database refuses any later change of those
    columns (trigger `contracts_contract_signed_terms_frozen`). Money: CNY `Decimal` with two places;
    commission in basis points (an integer: 550 = 5.50 %), never a float."""

    kind = models.CharField(_("cooperation mode"), max_length=20, choices=ContractKind.choices)
    status = models.CharField(_("status"), max_length=20, choices=ContractStatus.choices, default=ContractStatus.DRAFT)
    origin = models.CharField(
        _("origin"), max_length=20, choices=ContractOrigin.choices, default=ContractOrigin.SCRATCH
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=100)
    scope = models.TextField(_("scope of work"), blank=True)
    stores = models.ManyToManyField(
        "merchants.Store", verbose_name=_("stores"), through="ContractStore", related_name="+"
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    monthly_fee = models.DecimalField(_("fixed monthly fee (CNY)"), null=True, blank=True, **MONEY)
    commission_bp = models.PositiveIntegerField(
        _("commission (basis points of attributed GMV)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(10_000)],
    )
    total_price = models.DecimalField(_("price of the service items (CNY)"), default=0, **MONEY)

    request = models.ForeignKey(
        "merchants.CooperationRequest",
        verbose_name=_("cooperation request"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    lead_claim = models.ForeignKey(
        "merchants.LeadClaim",
        verbose_name=_("lead claim"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rfq_proposal = models.OneToOneField(
        "Proposal",
        verbose_name=_("accepted proposal"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contract",
    )
    upgraded_from = models.ForeignKey(
        "self",
        verbose_name=_("upgraded from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="upgrades",
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("drafted by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("drafted at"), auto_now_add=True)
    proposed_at = models.DateTimeField(_("proposed at"), null=True, blank=True)

    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    signed_terms = models.JSONField(_("terms as signed"), null=True, blank=True, editable=False)
    signed_fingerprint = models.CharField(_("SHA-256 of the signed terms"), max_length=64, blank=True, editable=False)
    activated_at = models.DateTimeField(_("started at"), null=True, blank=True)

    # Ending: a rejection, a cancellation or a termination carries its reason and the side that asked.
    reason = models.TextField(_("reason"), blank=True)
    ended_by = models.CharField(_("ended by"), max_length=20, choices=Side.choices, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    # Notice of termination (SPEC §5): 30 days unless both sides agree to an earlier end date.
    notice_end_date = models.DateField(_("requested end date"), null=True, blank=True)
    notice_by = models.CharField(_("notice given by"), max_length=20, choices=Side.choices, blank=True)
    notice_reason = models.TextField(_("reason for termination"), blank=True)
    notice_at = models.DateTimeField(_("notice given at"), null=True, blank=True)
    notice_agreed_at = models.DateTimeField(_("earlier end agreed at"), null=True, blank=True)
    # Whether the merchant agreed that its stores return to the lead pool when the contract ends.
    return_to_pool = models.BooleanField(_("stores return to the lead pool"), default=False)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=ContractKind.values), name="contract_kind_valid"),
            models.CheckConstraint(condition=models.Q(status__in=ContractStatus.values), name="contract_status_valid"),
            models.CheckConstraint(condition=models.Q(origin__in=ContractOrigin.values), name="contract_origin_valid"),
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")), name="contract_dates"),
            models.CheckConstraint(
                condition=models.Q(commission_bp__isnull=True) | models.Q(commission_bp__lte=10_000),
                name="contract_commission_range",
            ),
            models.CheckConstraint(
                condition=models.Q(monthly_fee__isnull=True) | models.Q(monthly_fee__gte=0),
                name="contract_fee_positive",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=ContractKind.FULL_OPERATION)
                | models.Q(monthly_fee__isnull=False)
                | models.Q(commission_bp__isnull=False),
                name="contract_full_operation_has_fee",
            ),
            models.CheckConstraint(
                condition=~models.Q(
                    status__in=[
                        ContractStatus.SIGNED,
                        ContractStatus.ACTIVE,
                        ContractStatus.COMPLETED,
                        ContractStatus.EXPIRED,
                        ContractStatus.TERMINATED,
                    ]
                )
                | models.Q(signed_at__isnull=False, signed_terms__isnull=False),
                name="contract_signed_has_terms",
            ),
        ]
        indexes = [
            models.Index(fields=["provider", "status", "-created_at"], name="contract_provider_list"),
            models.Index(fields=["merchant", "status", "-created_at"], name="contract_merchant_list"),
            models.Index(fields=["start_date"], condition=models.Q(status="signed"), name="contract_to_activate"),
            models.Index(fields=["end_date"], condition=models.Q(status="active"), name="contract_to_end"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.title}"

    @property
    def is_full_operation(self) -> bool:
        return self.kind == ContractKind.FULL_OPERATION

    @property
    def commission_percent(self):
        """The commission as a percentage `Decimal` (550 bp → 5.50), or None."""
        from decimal import Decimal

        return None if self.commission_bp is None else Decimal(self.commission_bp) / 100


class ContractStore(models.Model):
    """A store a contract covers. For a signed or active full-operation contract `exclusive` is on and
    `period` is its date range (inclusive), so that the exclusion constraint holds SPEC §5: at most one
    full-operation contract per store at any moment, whatever races. Written only by the contract services
    (they keep `exclusive` and `period` in step with the contract's status and end date)."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="contract_stores"
    )
    store = models.ForeignKey("merchants.Store", verbose_name=_("store"), on_delete=models.PROTECT, related_name="+")
    period = DateRangeField(_("period"))
    exclusive = models.BooleanField(_("holds the store"), default=False)

    class Meta:
        verbose_name = _("store of a contract")
        verbose_name_plural = _("stores of contracts")
        constraints = [
            models.UniqueConstraint(fields=["contract", "store"], name="contract_store_once"),
            ExclusionConstraint(
                name="contract_one_full_operation_per_store",
                expressions=[("store", RangeOperators.EQUAL), ("period", RangeOperators.OVERLAPS)],
                condition=models.Q(exclusive=True),
                violation_error_message=_("This store already has a full-operation contract for these dates."),
            ),
        ]
        indexes = [models.Index(fields=["store"], name="contract_store_by_store")]

    def __str__(self):
        return f"{self.contract_id} · {self.store_id}"


class ServiceItem(SharedScopedModel):
    """服务项 of a specialized contract: an area × level, a unit price, a quantity of deliverables due by
    `due_date`."""

    contract = models.ForeignKey(Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="items")
    area = models.CharField(_("service area"), max_length=20, choices=ServiceArea.choices)
    level = models.CharField(_("service level"), max_length=20, choices=ServiceLevel.choices)
    title = models.CharField(_("item"), max_length=100)
    unit_price = models.DecimalField(_("unit price (CNY)"), validators=[MinValueValidator(0)], **MONEY)
    quantity = models.PositiveSmallIntegerField(
        _("quantity"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    due_date = models.DateField(_("due date"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(area__in=ServiceArea.values), name="item_area_valid"),
            models.CheckConstraint(condition=models.Q(level__in=ServiceLevel.values), name="item_level_valid"),
            models.CheckConstraint(condition=models.Q(quantity__gte=1, quantity__lte=100), name="item_quantity"),
            models.CheckConstraint(condition=models.Q(unit_price__gte=0), name="item_price_positive"),
        ]

    def __str__(self):
        return self.title


class DeliveryStandard(SharedScopedModel):
    """交付标准: one KPI of a full-operation contract with its monthly target (CNY for GMV, a count or hours
    for the others; response hours is a ceiling)."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="standards"
    )
    kind = models.CharField(_("delivery standard"), max_length=20, choices=StandardKind.choices)
    target = models.DecimalField(_("monthly target"), validators=[MinValueValidator(0)], **MONEY)

    class Meta:
        verbose_name = _("delivery standard")
        verbose_name_plural = _("delivery standards")
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "kind"], name="standard_once_per_contract"),
            models.CheckConstraint(condition=models.Q(kind__in=StandardKind.values), name="standard_kind_valid"),
            models.CheckConstraint(condition=models.Q(target__gt=0), name="standard_target_positive"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.target}"


class Deliverable(SharedScopedModel):
    """交付物: one piece of work due by `due_at`, from a service item (`sequence` of its quantity) or, for
    full operation, from a delivery standard for one month (`period`, the 1st; the unique constraint makes
    the month's generation idempotent). `pending → submitted → accepted | rejected → submitted …`.
    `breached_at` is set when its `SlaBreach` is recorded, so that the SLA check reads a small index."""

    # Single-column indexes left out where a composite or unique one serves (contract: (contract, due_at);
    # item and standard: their unique constraints) or nothing filters (who submitted or decided): millions of
    # rows, every index is paid on each write.
    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="deliverables", db_index=False
    )
    service_item = models.ForeignKey(
        ServiceItem,
        verbose_name=_("service item"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliverables",
        db_index=False,
    )
    standard = models.ForeignKey(
        DeliveryStandard,
        verbose_name=_("delivery standard"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliverables",
        db_index=False,
    )
    period = models.DateField(_("month"), null=True, blank=True)
    sequence = models.PositiveSmallIntegerField(_("number"), default=1)
    title = models.CharField(_("deliverable"), max_length=150)
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(
        _("status"), max_length=20, choices=DeliverableStatus.choices, default=DeliverableStatus.PENDING
    )
    evidence_links = models.JSONField(_("links"), default=list, blank=True)
    evidence_file = models.FileField(
        _("file"), storage=get_private_storage, upload_to="deliverables/%Y/%m/", blank=True, max_length=200
    )
    evidence_name = models.CharField(_("file name"), max_length=200, blank=True)
    evidence_note = models.TextField(_("note"), blank=True)
    reported_amount = models.DecimalField(
        _("amount delivered (hours, videos)"), null=True, blank=True, validators=[MinValueValidator(0)], **MONEY
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    rejection_reason = models.TextField(_("reason for rejecting"), blank=True)
    auto_accepted = models.BooleanField(_("accepted automatically"), default=False)
    auto_accept_notice_at = models.DateTimeField(_("auto-acceptance notice sent at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("deadline missed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")
        ordering = ["due_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=DeliverableStatus.values), name="deliverable_status_valid"
            ),
            models.UniqueConstraint(
                fields=["standard", "period", "sequence"],
                condition=models.Q(standard__isnull=False),
                name="deliverable_once_per_standard_month",
            ),
            models.UniqueConstraint(
                fields=["service_item", "sequence"],
                condition=models.Q(service_item__isnull=False),
                name="deliverable_once_per_item_unit",
            ),
        ]
        indexes = [
            models.Index(fields=["contract", "due_at"], name="deliverable_by_contract"),
            # The SLA check's candidates: not submitted, no breach yet; small whatever the table's size.
            models.Index(
                fields=["due_at"],
                condition=models.Q(status__in=["pending", "rejected"], breached_at__isnull=True),
                name="deliverable_sla_due",
            ),
            # Auto-acceptance and the acceptance queues read the submitted ones.
            models.Index(fields=["submitted_at"], condition=models.Q(status="submitted"), name="deliverable_awaiting"),
        ]

    def __str__(self):
        return self.title


class SlaBreach(SharedScopedModel):
    """超时记录: a deliverable not submitted 24 h after its due time. One per deliverable (the unique
    one-to-one makes re-runs and concurrent runs harmless)."""

    deliverable = models.OneToOneField(
        Deliverable, verbose_name=_("deliverable"), on_delete=models.CASCADE, related_name="breach"
    )
    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="breaches"
    )
    due_at = models.DateTimeField(_("was due"))
    recorded_at = models.DateTimeField(_("recorded at"))
    # Set when this breach, with at least two others of the contract recorded within 30 days, was escalated
    # to compliance (`sla.escalated`): each breach counts towards one escalation only.
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("SLA breach")
        verbose_name_plural = _("SLA breaches")
        ordering = ["-recorded_at", "-pk"]
        indexes = [models.Index(fields=["contract", "recorded_at"], name="breach_by_contract")]

    def __str__(self):
        return f"{self.deliverable_id} · {self.due_at:%Y-%m-%d}"


class KpiResult(SharedScopedModel):
    """A full-operation KPI evaluated for one month: the target, the actual figure, met or missed. One per
    standard and month (re-evaluating replaces the figures)."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="kpi_results"
    )
    standard = models.ForeignKey(
        DeliveryStandard, verbose_name=_("delivery standard"), on_delete=models.CASCADE, related_name="results"
    )
    period = models.DateField(_("month"))
    target = models.DecimalField(_("target"), **MONEY)
    actual = models.DecimalField(_("actual"), **MONEY)
    met = models.BooleanField(_("met"))
    evaluated_at = models.DateTimeField(_("evaluated at"))

    class Meta:
        verbose_name = _("KPI result")
        verbose_name_plural = _("KPI results")
        ordering = ["-period", "standard__kind"]
        constraints = [models.UniqueConstraint(fields=["standard", "period"], name="kpi_once_per_month")]

    def __str__(self):
        return f"{self.standard} · {self.period:%Y-%m}"


class GmvRecord(models.Model):
    """An order (or a refund: a negative amount linked to its order) at a store. `order_no` is unique, so
    importing or posting the same record twice changes nothing. Attributed to the contract active for the
    store at the order's time, and through it to a provider; none → unattributed (`provider` and
    `contract` empty, seen only by the merchant and the operators)."""

    order_no = models.CharField(_("order number"), max_length=64)
    kind = models.CharField(_("kind"), max_length=10, choices=GmvKind.choices, default=GmvKind.ORDER)
    refund_of = models.ForeignKey(
        "self",
        verbose_name=_("refund of order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="refunds",
    )
    store = models.ForeignKey("merchants.Store", verbose_name=_("store"), on_delete=models.PROTECT, related_name="+")
    merchant = models.ForeignKey(
        "merchants.Merchant", verbose_name=_("merchant"), on_delete=models.CASCADE, related_name="+"
    )
    # No single-column indexes on provider and contract: the (provider, ordered_at) and (contract, ordered_at)
    # indexes serve their lookups, and each index costs every one of millions of inserts.
    provider = models.ForeignKey(
        "providers.Provider",
        verbose_name=_("provider"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    contract = models.ForeignKey(
        Contract,
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    amount = models.DecimalField(_("amount (CNY)"), **MONEY)
    ordered_at = models.DateTimeField(_("ordered at"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = scoped_manager(provider="provider", merchant="merchant")

    class Meta:
        verbose_name = _("GMV record")
        verbose_name_plural = _("GMV records")
        ordering = ["-ordered_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["order_no"], name="gmv_order_no_unique"),
            models.CheckConstraint(condition=models.Q(kind__in=GmvKind.values), name="gmv_kind_valid"),
            models.CheckConstraint(
                condition=models.Q(kind=GmvKind.ORDER, amount__gt=0, refund_of__isnull=True)
                | models.Q(kind=GmvKind.REFUND, amount__lt=0, refund_of__isnull=False),
                name="gmv_sign_matches_kind",
            ),
        ]
        indexes = [
            models.Index(fields=["contract", "ordered_at"], name="gmv_by_contract"),
            models.Index(fields=["provider", "ordered_at"], name="gmv_by_provider"),
        ]

    def __str__(self):
        return self.order_no


class Statement(SharedScopedModel):
    """结算单: one month of a full-operation contract: fixed fee (pro rata for the days covered) plus
    commission on attributed GMV net of refunds. Amounts are `Decimal`, each rounded once, half up, to the
    fen. One per contract and month; `is_final` marks the one the contract's end produced."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="statements"
    )
    period = models.DateField(_("month"))
    days_covered = models.PositiveSmallIntegerField(_("days covered"))
    fixed_fee = models.DecimalField(_("fixed fee"), **MONEY)
    gmv = models.DecimalField(_("attributed GMV"), **MONEY)
    refunds = models.DecimalField(_("refunds"), **MONEY)
    commission_bp = models.PositiveIntegerField(_("commission (basis points)"), default=0)
    commission = models.DecimalField(_("commission"), **MONEY)
    total = models.DecimalField(_("amount due"), **MONEY)
    status = models.CharField(
        _("status"), max_length=20, choices=StatementStatus.choices, default=StatementStatus.ISSUED
    )
    is_final = models.BooleanField(_("final statement"), default=False)
    issued_at = models.DateTimeField(_("issued at"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    dispute_reason = models.TextField(_("reason for the dispute"), blank=True)
    disputed_at = models.DateTimeField(_("disputed at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["-period", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "period"], name="statement_once_per_month"),
            models.CheckConstraint(
                condition=models.Q(status__in=StatementStatus.values), name="statement_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.contract} · {self.period:%Y-%m}"


class Review(SharedScopedModel):
    """评价: the merchant's one review of a contract (1–5 stars on three points, plus text), and the
    provider's one reply."""

    contract = models.OneToOneField(
        Contract, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="review"
    )
    professionalism = models.PositiveSmallIntegerField(
        _("professionalism"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    communication = models.PositiveSmallIntegerField(
        _("communication"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    results = models.PositiveSmallIntegerField(_("results"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    text = models.TextField(_("review"), blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("written by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    reply = models.TextField(_("provider's reply"), blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("replied by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    professionalism__gte=1,
                    professionalism__lte=5,
                    communication__gte=1,
                    communication__lte=5,
                    results__gte=1,
                    results__lte=5,
                ),
                name="review_stars_range",
            ),
            models.CheckConstraint(
                condition=models.Q(reply="") | models.Q(replied_at__isnull=False), name="review_reply_dated"
            ),
        ]
        indexes = [models.Index(fields=["provider", "-created_at"], name="review_by_provider")]

    def __str__(self):
        return f"{self.contract} · {self.stars}"

    @property
    def stars(self):
        """The average of the three points, one decimal."""
        from decimal import ROUND_HALF_UP, Decimal

        return (Decimal(self.professionalism + self.communication + self.results) / 3).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


class ContractEvent(SharedScopedModel):
    """One line of a contract's timeline, the same for both sides (written by the services, in bulk by
    the periodic ones)."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="events", db_index=False
    )
    kind = models.CharField(_("what happened"), max_length=30, choices=ContractEventKind.choices)
    side = models.CharField(_("side"), max_length=20, choices=Side.choices)
    actor_name = models.CharField(_("by"), max_length=150, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("contract timeline entry")
        verbose_name_plural = _("contract timeline")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=ContractEventKind.values), name="contract_event_kind")
        ]
        indexes = [models.Index(fields=["contract", "created_at"], name="contract_event_timeline")]

    def __str__(self):
        return self.get_kind_display()


class Rfq(MerchantScopedModel):
    """需求发布: a merchant's posted need, open to the eligible providers' proposals until its deadline."""

    title = models.CharField(_("title"), max_length=100)
    track = models.ForeignKey("reference.Track", verbose_name=_("track"), on_delete=models.PROTECT, related_name="+")
    city = models.ForeignKey(
        "reference.ServiceCity", verbose_name=_("city"), on_delete=models.PROTECT, related_name="+"
    )
    stores = models.ManyToManyField("merchants.Store", verbose_name=_("stores"), related_name="+")
    mode = models.CharField(_("cooperation mode"), max_length=20, choices=CooperationMode.choices)
    budget_min = models.DecimalField(_("budget from (CNY)"), validators=[MinValueValidator(0)], **MONEY)
    budget_max = models.DecimalField(_("budget up to (CNY)"), validators=[MinValueValidator(0)], **MONEY)
    deadline = models.DateTimeField(_("proposals until"))
    description = models.TextField(_("what you need"))
    status = models.CharField(_("status"), max_length=20, choices=RfqStatus.choices, default=RfqStatus.OPEN)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("posted by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("posted need")
        verbose_name_plural = _("posted needs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=RfqStatus.values), name="rfq_status_valid"),
            models.CheckConstraint(condition=models.Q(mode__in=CooperationMode.values), name="rfq_mode_valid"),
            models.CheckConstraint(condition=models.Q(budget_max__gte=models.F("budget_min")), name="rfq_budget"),
        ]
        indexes = [
            models.Index(fields=["city", "track", "-created_at"], condition=models.Q(status="open"), name="rfq_feed"),
            models.Index(fields=["deadline"], condition=models.Q(status="open"), name="rfq_to_close"),
        ]

    def __str__(self):
        return self.title


class Proposal(SharedScopedModel):
    """A provider's one proposal for a posted need (unique per need and provider)."""

    rfq = models.ForeignKey(Rfq, verbose_name=_("posted need"), on_delete=models.CASCADE, related_name="proposals")
    price = models.DecimalField(_("price (CNY)"), validators=[MinValueValidator(0)], **MONEY)
    scope = models.TextField(_("scope"))
    deliverables = models.TextField(_("deliverables"))
    timeline_days = models.PositiveIntegerField(
        _("timeline (days)"), validators=[MinValueValidator(1), MaxValueValidator(1096)]
    )
    # What the accepted proposal's contract is made of (`contracts.services.rfqs.proposal_terms`): for
    # specialized services the one service item's area and level; for full operation its delivery
    # standards (at least one), `price` being the fixed monthly fee and `timeline_days` the term.
    service_area = models.CharField(
        _("service area"), max_length=20, choices=ServiceArea.choices, default=ServiceArea.STORE_OPS
    )
    service_level = models.CharField(
        _("service level"), max_length=20, choices=ServiceLevel.choices, default=ServiceLevel.BASIC
    )
    monthly_gmv_target = models.DecimalField(
        _("monthly GMV target (CNY)"), null=True, blank=True, validators=[MinValueValidator(0)], **MONEY
    )
    videos_per_month = models.PositiveSmallIntegerField(
        _("short videos per month"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["price", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rfq", "provider"],
                name="proposal_one_per_provider",
                violation_error_message=_("You have already submitted a proposal for this need."),
            ),
            models.CheckConstraint(condition=models.Q(status__in=ProposalStatus.values), name="proposal_status_valid"),
            models.CheckConstraint(condition=models.Q(price__gte=0), name="proposal_price_positive"),
            models.CheckConstraint(condition=models.Q(service_area__in=ServiceArea.values), name="proposal_area_valid"),
            models.CheckConstraint(
                condition=models.Q(service_level__in=ServiceLevel.values), name="proposal_level_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(monthly_gmv_target__isnull=True) | models.Q(monthly_gmv_target__gt=0),
                name="proposal_gmv_target_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(videos_per_month__isnull=True) | models.Q(videos_per_month__gte=1),
                name="proposal_videos_positive",
            ),
        ]

    def __str__(self):
        return f"{self.rfq} · {self.provider}"
