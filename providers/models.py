from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import LazyObject
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from linke.fields import CreditCodeField, credit_code_constraint
from linke.validators import validate_mainland_mobile, validate_visible_name

from .choices import (
    AccessMode,
    ApplicationStatus,
    CooperationMode,
    ImpersonationReportStatus,
    ProviderStatus,
    Role,
    ServiceArea,
    ServiceLevel,
    Tier,
    VerificationOutcome,
)
from .querysets import (
    OPEN_APPLICATION_STATUSES,
    ApplicationQuerySet,
    InvitationQuerySet,
    MembershipQuerySet,
    ProviderQuerySet,
    VerificationCodeQuerySet,
)
from .tenancy import ProviderScopedModel, provider_manager


class PrivateStorage(LazyObject):
    """Uploads that must never be served by the web server (licences): MEDIA_ROOT has no URL;
    files are streamed by views that check who is asking."""

    def _setup(self):
        self._wrapped = FileSystemStorage(location=settings.MEDIA_ROOT / "private", base_url=None)


private_storage = PrivateStorage()


def get_private_storage():
    """A callable, so that migrations record this function and not a path on the machine that made them."""
    return private_storage


class ProviderProfile(models.Model):
    """What a provider tells merchants about itself (shared by the application and the provider)."""

    introduction = models.TextField(_("introduction"), blank=True)
    service_cities = models.ManyToManyField(
        "reference.ServiceCity", verbose_name=_("service cities"), blank=True, related_name="+"
    )
    tracks = models.ManyToManyField("reference.Track", verbose_name=_("tracks"), blank=True, related_name="+")
    cooperation_modes = ArrayField(
        models.CharField(max_length=20, choices=CooperationMode.choices),
        verbose_name=_("cooperation modes"),
        default=list,
        blank=True,
    )
    access_mode = models.CharField(
        _("access mode"), max_length=20, choices=AccessMode.choices, default=AccessMode.NATIVE
    )

    class Meta:
        abstract = True


class Provider(ProviderProfile):
    """A tenant: an approved agency (服务商). Every provider-owned row points here."""

    name = models.CharField(_("name"), max_length=100, validators=[validate_visible_name])
    credit_code = CreditCodeField(_("unified social credit code"))
    status = models.CharField(_("status"), max_length=20, choices=ProviderStatus.choices, default=ProviderStatus.ACTIVE)
    # The operators' latest standing decision, as the provider's home page shows it (the audit trail keeps them all).
    status_reason = models.TextField(_("reason for the status"), blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    legal_representative = models.CharField(
        _("legal representative"), max_length=50, blank=True, validators=[validate_visible_name]
    )
    contact_name = models.CharField(_("contact name"), max_length=50, blank=True, validators=[validate_visible_name])
    contact_mobile = PhoneNumberField(_("contact mobile"), blank=True, validators=[validate_mainland_mobile])
    service_areas = ArrayField(
        models.CharField(max_length=20, choices=ServiceArea.choices),
        verbose_name=_("service areas"),
        default=list,
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ProviderQuerySet.as_manager()

    class Meta:
        verbose_name = _("provider")
        verbose_name_plural = _("providers")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=ProviderStatus.values), name="provider_status_valid"),
            # One live provider per credit code; a terminated one frees the code.
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~models.Q(status=ProviderStatus.TERMINATED),
                name="provider_live_credit_code_unique",
            ),
            credit_code_constraint("provider_credit_code_valid"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_in_good_standing(self) -> bool:
        return self.status == ProviderStatus.ACTIVE


class ProviderStanding(models.Model):
    """Standing data (CONVENTIONS §1): what the layers above decide about a provider, written here through
    `providers.services.standing` so that the directory, the lead pool, contract gates and /verify/ read
    it without importing them. Until the certification issue computes tier, score and certified tracks,
    operators set the tier in the admin and its benefits take the SPEC §6 defaults (`rules.TIER_BENEFITS`);
    the contracts issue will write rating, reviews and GMV served."""

    provider = models.OneToOneField(
        Provider, verbose_name=_("provider"), on_delete=models.CASCADE, primary_key=True, related_name="standing"
    )
    tier = models.CharField(_("tier"), max_length=2, choices=Tier.choices, default=Tier.L1)
    score = models.DecimalField(
        _("capability score"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    # Benefits of the tier (分层权益), copied when the tier is set so that a later edit of a tier's
    # defaults is an explicit re-grant, never a silent change.
    lead_quota = models.PositiveIntegerField(_("lead claims per month"), default=10)
    protection_days = models.PositiveIntegerField(_("lead protection days"), default=15)
    directory_boost = models.PositiveIntegerField(_("directory boost"), default=0)
    featured_slots = models.PositiveIntegerField(_("featured recommendation slots"), default=0)
    ad_credit = models.DecimalField(_("monthly ad credit (CNY)"), max_digits=12, decimal_places=2, default=0)
    certified_tracks = models.ManyToManyField(
        "reference.Track", verbose_name=_("certified tracks"), blank=True, related_name="+"
    )
    rating = models.DecimalField(_("rating"), max_digits=3, decimal_places=2, null=True, blank=True)
    review_count = models.PositiveIntegerField(_("reviews"), default=0)
    gmv_served = models.DecimalField(_("GMV served (CNY)"), max_digits=16, decimal_places=2, default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("provider standing")
        verbose_name_plural = _("provider standings")
        constraints = [
            models.CheckConstraint(condition=models.Q(tier__in=Tier.values), name="standing_tier_valid"),
            models.CheckConstraint(condition=models.Q(score__gte=0, score__lte=100), name="standing_score_range"),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="standing_rating_range",
            ),
        ]

    def __str__(self):
        return f"{self.provider} · {self.get_tier_display()}"


def _bigrams_of(field: str) -> models.Func:
    return models.Func(models.F(field), function="linke_cjk_bigrams", output_field=ArrayField(models.TextField()))


class DirectoryListing(models.Model):
    """One provider as the public directory shows and filters it: a denormalised row, so that a filtered,
    sorted and counted page reads this one table. Written only by `providers.services.directory.
    listing_refresh` (set-based SQL from the provider, its standing, markets, tracks and case studies),
    which the services that change any of them call after commit.

    Chinese search: `search_bigrams` holds every character and every pair of adjacent characters of
    `search_text` (lower case), made by the IMMUTABLE SQL function `linke_cjk_bigrams` (migration
    0010) and indexed with GIN. pg_trgm needs three characters; the most common Chinese queries
    (火锅, 美甲) have two."""

    provider = models.OneToOneField(
        Provider, verbose_name=_("provider"), on_delete=models.CASCADE, primary_key=True, related_name="listing"
    )
    name = models.CharField(_("name"), max_length=100)
    excerpt = models.CharField(_("introduction excerpt"), max_length=200, blank=True)
    search_text = models.TextField(_("searchable text"), blank=True)
    search_bigrams = models.GeneratedField(
        expression=_bigrams_of("search_text"),
        output_field=ArrayField(models.TextField()),
        db_persist=True,
        verbose_name=_("search characters and bigrams"),
    )
    name_initials = models.CharField(_("pinyin initials"), max_length=100, blank=True)
    initials_of = models.CharField(max_length=100, blank=True, editable=False)  # the name they were made from
    city_ids = ArrayField(models.IntegerField(), verbose_name=_("service cities"), default=list)
    track_ids = ArrayField(models.IntegerField(), verbose_name=_("tracks"), default=list)
    category_ids = ArrayField(models.IntegerField(), verbose_name=_("categories"), default=list)
    certified_track_ids = ArrayField(models.IntegerField(), verbose_name=_("certified tracks"), default=list)
    modes = ArrayField(models.CharField(max_length=20), verbose_name=_("cooperation modes"), default=list)
    areas = ArrayField(models.CharField(max_length=20), verbose_name=_("service areas"), default=list)
    tier = models.CharField(_("tier"), max_length=2, choices=Tier.choices, default=Tier.L1)
    score = models.DecimalField(_("capability score"), max_digits=5, decimal_places=2, default=0)
    directory_boost = models.PositiveIntegerField(_("directory boost"), default=0)
    featured_slots = models.PositiveIntegerField(_("featured recommendation slots"), default=0)
    recommended = models.DecimalField(_("recommendation score"), max_digits=7, decimal_places=2, default=0)
    rating = models.DecimalField(_("rating"), max_digits=3, decimal_places=2, null=True, blank=True)
    review_count = models.PositiveIntegerField(_("reviews"), default=0)
    gmv_served = models.DecimalField(_("GMV served (CNY)"), max_digits=16, decimal_places=2, default=0)
    created_at = models.DateTimeField(_("listed since"))
    is_listed = models.BooleanField(_("listed"), default=False)
    refreshed_at = models.DateTimeField(_("refreshed at"))

    class Meta:
        verbose_name = _("directory listing")
        verbose_name_plural = _("directory listings")
        ordering = ["-recommended", "provider_id"]
        indexes = [
            GinIndex(fields=["search_bigrams"], name="listing_search_bigrams"),
            GinIndex(fields=["city_ids"], name="listing_city_ids"),
            GinIndex(fields=["track_ids"], name="listing_track_ids"),
            GinIndex(fields=["category_ids"], name="listing_category_ids"),
            GinIndex(fields=["certified_track_ids"], name="listing_certified_track_ids"),
            GinIndex(fields=["modes", "areas"], name="listing_modes_areas"),
            models.Index(fields=["name_initials"], opclasses=["varchar_pattern_ops"], name="listing_initials_prefix"),
            # The featured slots of page 1: a handful of rows, read on every recommended page.
            models.Index(
                models.F("featured_slots").desc(),
                models.F("recommended").desc(),
                "provider_id",
                condition=models.Q(is_listed=True, featured_slots__gt=0),
                name="listing_featured",
            ),
            # One per sort order, over the listed rows only.
            models.Index(
                models.F("recommended").desc(),
                "provider_id",
                condition=models.Q(is_listed=True),
                name="listing_by_recommended",
            ),
            models.Index(
                models.F("rating").desc(nulls_last=True),
                models.F("review_count").desc(),
                "provider_id",
                condition=models.Q(is_listed=True),
                name="listing_by_rating",
            ),
            models.Index(
                models.F("gmv_served").desc(), "provider_id", condition=models.Q(is_listed=True), name="listing_by_gmv"
            ),
            models.Index(
                models.F("created_at").desc(),
                models.F("provider_id").desc(),
                condition=models.Q(is_listed=True),
                name="listing_by_newest",
            ),
        ]

    def __str__(self):
        return self.name

    def get_tier_display(self) -> str:
        return Tier(self.tier).label


class ProviderApplication(ProviderProfile):
    """入驻申请: an agency asks to become a provider. Owned by its applicant, not by a tenant."""

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="provider_applications",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    legal_name = models.CharField(_("legal name"), max_length=100, blank=True, validators=[validate_visible_name])
    credit_code = CreditCodeField(_("unified social credit code"), blank=True)
    legal_representative = models.CharField(
        _("legal representative"), max_length=50, blank=True, validators=[validate_visible_name]
    )
    licence = models.FileField(
        _("business licence"), storage=get_private_storage, upload_to="licences/%Y/%m/", blank=True, max_length=200
    )
    contact_name = models.CharField(_("contact name"), max_length=50, blank=True, validators=[validate_visible_name])
    contact_mobile = PhoneNumberField(_("contact mobile"), blank=True, validators=[validate_mainland_mobile])
    review_reason = models.TextField(
        _("review reason"), blank=True, help_text=_("Shown to the applicant when changes are requested or rejected.")
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    provider = models.OneToOneField(
        Provider,
        verbose_name=_("provider"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="application",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("provider application")
        verbose_name_plural = _("provider applications")
        ordering = ["-submitted_at", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ApplicationStatus.values), name="application_status_valid"
            ),
            # One application in progress per applicant (a rejected applicant may start a new one).
            models.UniqueConstraint(
                fields=["applicant"],
                condition=models.Q(status__in=OPEN_APPLICATION_STATUSES),
                name="application_one_open_per_applicant",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="approved") | models.Q(provider__isnull=False),
                name="application_approved_has_provider",
            ),
            credit_code_constraint("application_credit_code_valid", allow_blank=True),
        ]

    def __str__(self):
        return self.legal_name or str(_("Untitled application"))


class Membership(ProviderScopedModel):
    """A user's role in one provider."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("joined at"), auto_now_add=True)
    deactivated_at = models.DateTimeField(_("deactivated at"), null=True, blank=True)

    objects = provider_manager(MembershipQuerySet)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["provider_id", "created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="membership_role_valid"),
            models.UniqueConstraint(fields=["provider", "user"], name="membership_unique_user_per_provider"),
            # Exactly one owner: at most one here, at least one kept by the services under a row lock.
            models.UniqueConstraint(
                fields=["provider"],
                condition=models.Q(role=Role.OWNER, is_active=True),
                name="membership_one_active_owner",
            ),
        ]

    def __str__(self):
        return f"{self.user} @ {self.provider} ({self.get_role_display()})"

    def get_role_display(self) -> str:
        # Django's builds a dict of every choice on each call; the team list calls it once per row.
        return Role(self.role).label


class Invitation(ProviderScopedModel):
    """An email invitation to join a provider with a role: valid 7 days, single use.
    Only a SHA-256 of the token is stored; the token itself travels in the email."""

    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("invited by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = provider_manager(InvitationQuerySet)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values) & ~models.Q(role=Role.OWNER),
                name="invitation_role_valid_not_owner",
            ),
            models.UniqueConstraint(
                fields=["provider", "email"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_pending_per_email",
            ),
        ]

    def __str__(self):
        return f"{self.email} → {self.provider} ({self.get_role_display()})"

    @property
    def state(self) -> str:
        """pending, expired, accepted or revoked: the one place that decides."""
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        return "expired" if self.expires_at <= timezone.now() else "pending"


def display_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}" if len(code) == 10 else code


class VerificationCode(ProviderScopedModel):
    """身份验真码: a short-lived code a staff member shows a merchant to prove who they are."""

    membership = models.ForeignKey(
        Membership, verbose_name=_("member"), on_delete=models.CASCADE, related_name="verification_codes"
    )
    code = models.CharField(_("code"), max_length=16, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("valid until"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = provider_manager(VerificationCodeQuerySet)

    class Meta:
        verbose_name = _("verification code")
        verbose_name_plural = _("verification codes")
        ordering = ["-created_at"]
        constraints = [
            # A new code replaces the member's previous one (the service revokes it first).
            models.UniqueConstraint(
                fields=["membership"],
                condition=models.Q(revoked_at__isnull=True),
                name="verificationcode_one_live_per_member",
            ),
        ]

    def __str__(self):
        return self.display_code

    @property
    def display_code(self) -> str:
        """`7KQ2MX9XDA` → `7KQ2M-X9XDA`: two groups of five, easy to read aloud."""
        return display_code(self.code)


class VerificationEvent(ProviderScopedModel):
    """A successful lookup of a code: evidence that the staff member visited someone."""

    code = models.ForeignKey(VerificationCode, verbose_name=_("code"), on_delete=models.CASCADE, related_name="events")
    membership = models.ForeignKey(
        Membership, verbose_name=_("member"), on_delete=models.CASCADE, related_name="verification_events"
    )
    created_at = models.DateTimeField(_("verified at"), auto_now_add=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("verification event")
        verbose_name_plural = _("verification events")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.code} @ {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"


class ImpersonationReport(models.Model):
    """冒充举报: someone was shown a code that failed the check. Lands in the operators' queue."""

    code_entered = models.CharField(_("code shown"), max_length=32, blank=True)
    outcome = models.CharField(_("check result"), max_length=20, choices=VerificationOutcome.choices)
    claimed_provider = models.CharField(
        _("provider they claimed"), max_length=100, blank=True, validators=[validate_visible_name]
    )
    claimed_person = models.CharField(
        _("name they gave"), max_length=60, blank=True, validators=[validate_visible_name]
    )
    location = models.CharField(_("where"), max_length=200)
    occurred_at = models.DateTimeField(_("when"))
    reporter_phone = PhoneNumberField(_("reporter's phone"), blank=True)
    details = models.TextField(_("what happened"), blank=True)
    matched_provider = models.ForeignKey(
        Provider,
        verbose_name=_("provider of the code"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ImpersonationReportStatus.choices, default=ImpersonationReportStatus.OPEN
    )
    operator_note = models.TextField(_("operator note"), blank=True)
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("impersonation report")
        verbose_name_plural = _("impersonation reports")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ImpersonationReportStatus.values), name="impersonationreport_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_outcome_display()} {self.code_entered} ({timezone.localtime(self.created_at):%Y-%m-%d})"


class CaseStudy(ProviderScopedModel):
    """成功案例 shown on the provider's directory profile."""

    title = models.CharField(_("title"), max_length=100, validators=[validate_visible_name])
    merchant_name = models.CharField(_("merchant"), max_length=100, blank=True, validators=[validate_visible_name])
    track = models.ForeignKey(
        "reference.Track",
        verbose_name=_("track"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    summary = models.TextField(_("what we did and the results"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("case study")
        verbose_name_plural = _("case studies")
        ordering = ["position", "id"]

    def __str__(self):
        return self.title


class ServicePackage(ProviderScopedModel):
    """A specialized-service offering with a price in CNY, listed in the directory."""

    name = models.CharField(_("name"), max_length=100, validators=[validate_visible_name])
    area = models.CharField(_("service area"), max_length=20, choices=ServiceArea.choices)
    level = models.CharField(_("level"), max_length=20, choices=ServiceLevel.choices, default=ServiceLevel.BASIC)
    description = models.TextField(_("description"), blank=True)
    price = models.DecimalField(_("price (CNY)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    is_active = models.BooleanField(_("listed"), default=True)

    class Meta:
        verbose_name = _("service package")
        verbose_name_plural = _("service packages")
        ordering = ["area", "price", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(price__gte=0), name="servicepackage_price_not_negative"),
            models.CheckConstraint(condition=models.Q(area__in=ServiceArea.values), name="servicepackage_area_valid"),
        ]

    def __str__(self):
        return self.name


class PublicReview(models.Model):
    """A merchant's review of a provider as its public profile shows it: a denormalised copy that the
    contracts app writes through `providers.services.public_reviews` when a review is written or answered
    (standing data, CONVENTIONS §1: the directory may not import contracts, and the review itself is a
    row shared by one provider and one merchant that no visitor may read). Only what the public sees is
    copied: the stars, the text, the merchant's name shortened (演示餐饮…), the provider's reply.
    One per contract review (`review_id`)."""

    provider = models.ForeignKey(
        Provider, verbose_name=_("provider"), on_delete=models.CASCADE, related_name="public_reviews"
    )
    review_id = models.PositiveBigIntegerField(_("review"), unique=True, editable=False)
    merchant_label = models.CharField(_("merchant (shortened)"), max_length=20)
    professionalism = models.PositiveSmallIntegerField(_("professionalism"))
    communication = models.PositiveSmallIntegerField(_("communication"))
    results = models.PositiveSmallIntegerField(_("results"))
    text = models.TextField(_("review"))
    reply = models.TextField(_("provider's reply"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    created_at = models.DateTimeField(_("written at"))

    class Meta:
        verbose_name = _("public review")
        verbose_name_plural = _("public reviews")
        ordering = ["-created_at", "-review_id"]
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
                name="public_review_stars_range",
            ),
        ]
        indexes = [models.Index(fields=["provider", "-created_at", "-review_id"], name="public_review_by_provider")]

    def __str__(self):
        return f"{self.provider_id} · {self.merchant_label}"

    @property
    def points(self) -> list[tuple[str, int]]:
        """The three points with their stars, in the order the profile shows them."""
        return [
            (_("Professionalism"), self.professionalism),
            (_("Communication"), self.communication),
            (_("Results"), self.results),
        ]
