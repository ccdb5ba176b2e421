from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from linke.fields import CreditCodeField, credit_code_constraint
from linke.validators import validate_mainland_mobile, validate_visible_name
from providers.choices import CooperationMode
from providers.models import get_private_storage
from providers.tenancy import ProviderScopedModel

from .choices import (
    ClaimEventKind,
    ClaimStatus,
    DisputeStatus,
    ExtensionReason,
    ImportStatus,
    LeadSource,
    RequestStatus,
)
from .tenancy import MerchantScopedModel, SharedScopedModel


class Merchant(models.Model):
    """商家: a business that buys providers' services, the owner of the merchant dimension of the
    tenancy mechanism (`merchants.tenancy`). Registered by the user who owns it."""

    name = models.CharField(_("legal name"), max_length=100, validators=[validate_visible_name])
    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="merchant"
    )
    credit_code = CreditCodeField(_("unified social credit code"), blank=True)
    contact_name = models.CharField(_("contact name"), max_length=50, blank=True, validators=[validate_visible_name])
    contact_mobile = PhoneNumberField(_("contact mobile"), blank=True, validators=[validate_mainland_mobile])
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("merchant")
        verbose_name_plural = _("merchants")
        ordering = ["name", "pk"]
        constraints = [credit_code_constraint("merchant_credit_code_valid", allow_blank=True)]

    def __str__(self):
        return self.name


class Store(MerchantScopedModel):
    """门店: a point of interest of a merchant, in a service city and one of its districts."""

    name = models.CharField(_("store name"), max_length=100, validators=[validate_visible_name])
    city = models.ForeignKey(
        "reference.ServiceCity", verbose_name=_("city"), on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(
        "reference.Region",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    address = models.CharField(_("address"), max_length=200, validators=[validate_visible_name])
    category = models.ForeignKey(
        "reference.Category", verbose_name=_("sub-category"), on_delete=models.PROTECT, related_name="+"
    )
    average_ticket = models.DecimalField(
        _("average ticket (CNY)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        # A spend per customer beyond ¥100,000 is a typo (an extra zero), not a local business.
        validators=[MinValueValidator(0), MaxValueValidator(100_000)],
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("store")
        verbose_name_plural = _("stores")
        ordering = ["merchant_id", "name", "pk"]
        indexes = [models.Index(fields=["merchant", "name"], name="store_merchant_name")]

    def __str__(self):
        return self.name


class Lead(models.Model):
    """线索: a merchant prospect in the lead pool, imported by operators or a merchant that signed up with
    a store. Platform data, not a tenant's: the public pool shows each provider the leads of its cities
    and tracks; which provider holds one is its active `LeadClaim`. The natural key (normalised mobile
    and store address) makes a re-import change nothing."""

    merchant_name = models.CharField(_("merchant name"), max_length=100, validators=[validate_visible_name])
    contact_name = models.CharField(_("contact name"), max_length=50, blank=True, validators=[validate_visible_name])
    mobile = PhoneNumberField(_("contact mobile"), validators=[validate_mainland_mobile])
    city = models.ForeignKey(
        "reference.ServiceCity", verbose_name=_("city"), on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(
        "reference.Region",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    address = models.CharField(_("address"), max_length=200)
    address_key = models.CharField(_("address key"), max_length=200, editable=False)
    category = models.ForeignKey(
        "reference.Category", verbose_name=_("sub-category"), on_delete=models.PROTECT, related_name="+"
    )
    store_count = models.PositiveIntegerField(_("stores"), default=1, validators=[MinValueValidator(1)])
    source = models.CharField(_("source"), max_length=20, choices=LeadSource.choices, default=LeadSource.IMPORT)
    merchant = models.OneToOneField(
        Merchant,
        verbose_name=_("merchant account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lead",
    )
    opted_out_at = models.DateTimeField(_("opted out at"), null=True, blank=True)
    # Out of the pool while the merchant is under contract (and after, unless it agreed to return):
    # written by `leads.lead_withhold` / `leads_return_to_pool`, called by the contracts services.
    withheld_at = models.DateTimeField(_("out of the pool (under contract) since"), null=True, blank=True)
    imported_in = models.ForeignKey(
        "LeadImport", verbose_name=_("import"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["mobile", "address_key"], name="lead_natural_key"),
            models.CheckConstraint(condition=models.Q(source__in=LeadSource.values), name="lead_source_valid"),
        ]
        indexes = [
            # The public pool: one range per (city, sub-category) of a provider, newest first, leads that
            # may still be contacted; its count and the ids of a page are index-only scans of it.
            models.Index(
                fields=["city", "category", "-created_at", "-id"],
                condition=models.Q(opted_out_at__isnull=True, withheld_at__isnull=True),
                name="lead_pool",
            ),
        ]

    def __str__(self):
        return self.merchant_name


class LeadClaim(ProviderScopedModel):
    """报备: a provider's claim of a lead, protecting it for the tier's protection days. At most one active
    claim per lead (a partial unique index; the claim service also locks the lead row)."""

    lead = models.ForeignKey(Lead, verbose_name=_("lead"), on_delete=models.PROTECT, related_name="claims")
    claimed_by = models.ForeignKey(
        "providers.Membership", verbose_name=_("claimed by"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.ACTIVE)
    claimed_at = models.DateTimeField(_("claimed at"))
    expires_at = models.DateTimeField(_("protected until"))
    extended_at = models.DateTimeField(_("extended at"), null=True, blank=True)
    extension_reason = models.CharField(_("extended for"), max_length=20, choices=ExtensionReason.choices, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("lead claim")
        verbose_name_plural = _("lead claims")
        ordering = ["-claimed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["lead"],
                condition=models.Q(status=ClaimStatus.ACTIVE),
                name="lead_claim_one_holder",
                violation_error_message=_("Another provider has just claimed this lead."),
            ),
            models.CheckConstraint(condition=models.Q(status__in=ClaimStatus.values), name="lead_claim_status_valid"),
            models.CheckConstraint(
                condition=models.Q(status=ClaimStatus.ACTIVE, ended_at__isnull=True)
                | (~models.Q(status=ClaimStatus.ACTIVE) & models.Q(ended_at__isnull=False)),
                name="lead_claim_ended_iff_not_active",
            ),
            models.CheckConstraint(condition=models.Q(expires_at__gt=models.F("claimed_at")), name="lead_claim_period"),
        ]
        indexes = [
            models.Index(fields=["expires_at"], condition=models.Q(status=ClaimStatus.ACTIVE), name="lead_claim_due"),
            models.Index(fields=["provider", "claimed_at"], name="lead_claim_quota"),
            models.Index(fields=["provider", "lead", "-ended_at"], name="lead_claim_block"),
        ]

    def __str__(self):
        return f"{self.lead} · {self.provider}"


class ClaimEvent(ProviderScopedModel):
    """One line of a claim's history, kept for its holder (claimed, extended, released, converted, ...)."""

    claim = models.ForeignKey(LeadClaim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("what happened"), max_length=20, choices=ClaimEventKind.choices)
    note = models.TextField(_("note"), blank=True)
    actor_name = models.CharField(_("by"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("claim history entry")
        verbose_name_plural = _("claim history")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=ClaimEventKind.values), name="claim_event_kind_valid")
        ]
        indexes = [
            # The monthly quota counts a provider's `claimed` entries since the 1st, whatever its history.
            models.Index(
                fields=["provider", "created_at"],
                condition=models.Q(kind=ClaimEventKind.CLAIMED),
                name="claim_event_quota",
            ),
        ]

    def __str__(self):
        return self.get_kind_display()


class LeadDispute(ProviderScopedModel):
    """A provider's dispute of another provider's claim: an operators' case, decided in the admin with the
    evidence (claims, verified visits, requests); the decision and its reason are shown to both sides."""

    claim = models.ForeignKey(
        LeadClaim, verbose_name=_("disputed claim"), on_delete=models.PROTECT, related_name="disputes"
    )
    reason = models.TextField(_("why the claim is disputed"))
    raised_by = models.ForeignKey(
        "providers.Membership", verbose_name=_("raised by"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=DisputeStatus.choices, default=DisputeStatus.OPEN)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("raised at"), auto_now_add=True)

    class Meta:
        verbose_name = _("claim dispute")
        verbose_name_plural = _("claim disputes")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "claim"], name="lead_dispute_once_per_claim"),
            models.CheckConstraint(
                condition=models.Q(status__in=DisputeStatus.values), name="lead_dispute_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.claim} · {self.get_status_display()}"


class Visit(SharedScopedModel):
    """拜访: a verified visit, recorded when a signed-in merchant checks a provider's 身份验真码 (the
    providers app's verification event is the evidence)."""

    membership = models.ForeignKey(
        "providers.Membership", verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="+"
    )
    verification = models.OneToOneField(
        "providers.VerificationEvent", verbose_name=_("verification"), on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(_("verified at"))

    class Meta:
        verbose_name = _("verified visit")
        verbose_name_plural = _("verified visits")
        ordering = ["-verified_at", "-pk"]

    def __str__(self):
        return f"{self.provider} → {self.merchant}"


class CooperationRequest(SharedScopedModel):
    """合作意向: a merchant's request to a provider for some of its stores. One open request per provider
    and store (enforced on `CooperationRequestStore`)."""

    mode = models.CharField(_("cooperation mode"), max_length=20, choices=CooperationMode.choices)
    stores = models.ManyToManyField(
        Store, verbose_name=_("stores"), through="CooperationRequestStore", related_name="+"
    )
    message = models.TextField(_("message"))
    status = models.CharField(_("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.PROTECT, related_name="+"
    )
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    answered_by = models.ForeignKey(
        "providers.Membership",
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("cooperation request")
        verbose_name_plural = _("cooperation requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=RequestStatus.values), name="request_status_valid"),
            models.CheckConstraint(condition=models.Q(mode__in=CooperationMode.values), name="request_mode_valid"),
        ]
        indexes = [
            models.Index(fields=["provider", "-created_at"], name="request_inbox"),
            models.Index(fields=["merchant", "-created_at"], name="request_sent"),
        ]

    def __str__(self):
        return f"{self.merchant} → {self.provider}"


class CooperationRequestStore(models.Model):
    """A store named in a request. `provider` and `is_open` repeat the request's so that the database
    itself refuses a second open request to the same provider for the same store. Written and read only
    through the requests' services and selectors (always via a request the caller may see)."""

    request = models.ForeignKey(
        CooperationRequest,
        verbose_name=_("cooperation request"),
        on_delete=models.CASCADE,
        related_name="request_stores",
    )
    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.CASCADE, related_name="+")
    provider = models.ForeignKey(
        "providers.Provider", verbose_name=_("provider"), on_delete=models.CASCADE, related_name="+"
    )
    is_open = models.BooleanField(_("open"), default=True)

    class Meta:
        verbose_name = _("store of a request")
        verbose_name_plural = _("stores of requests")
        constraints = [
            models.UniqueConstraint(fields=["request", "store"], name="request_store_once"),
            models.UniqueConstraint(
                fields=["provider", "store"],
                condition=models.Q(is_open=True),
                name="request_one_open_per_store",
                violation_error_message=_("You already have an open request to this provider for this store."),
            ),
        ]

    def __str__(self):
        return f"{self.request_id} · {self.store_id}"


class AccountAssignment(ProviderScopedModel):
    """跟进人: the member of a provider who looks after a merchant (a held lead, or a merchant the provider
    works with). Exactly one active assignment per provider and lead; ended rows are the history."""

    lead = models.ForeignKey(Lead, verbose_name=_("merchant"), on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(
        "providers.Membership", verbose_name=_("account owner"), on_delete=models.PROTECT, related_name="+"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("account owner assignment")
        verbose_name_plural = _("account owner assignments")
        ordering = ["-assigned_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "lead"], condition=models.Q(ended_at__isnull=True), name="account_one_owner"
            ),
        ]
        indexes = [
            models.Index(fields=["member"], condition=models.Q(ended_at__isnull=True), name="account_by_member"),
        ]

    def __str__(self):
        return f"{self.lead} · {self.member}"


class LeadImport(models.Model):
    """An operators' import of a lead file: previewed first (a dry run), then imported in one transaction.
    Progress while it runs is kept in the cache (outside that transaction)."""

    file = models.FileField(_("file"), storage=get_private_storage, upload_to="lead-imports/")
    original_name = models.CharField(_("file name"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    valid_rows = models.PositiveIntegerField(_("valid rows"), default=0)
    created_count = models.PositiveIntegerField(_("leads created"), default=0)
    unchanged_count = models.PositiveIntegerField(_("already in the pool"), default=0)
    rejected_count = models.PositiveIntegerField(_("rejected rows"), default=0)
    report = models.TextField(_("rejected rows (CSV)"), blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("lead import")
        verbose_name_plural = _("lead imports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=ImportStatus.values), name="lead_import_status_valid")
        ]

    def __str__(self):
        return self.original_name
