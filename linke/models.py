"""Cross-cutting models: users, the audit trail and notifications. They know the tenant only as
`settings.TENANT_MODEL` (the composition root names it), never by importing its app."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from .actors import ActorKind
from .validators import validate_mainland_mobile, validate_visible_name


# --- Users ----------------------------------------------------------------------------------
class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person. Logs in by email; belongs to tenants through their memberships."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("email"), unique=True)
    display_name = models.CharField(_("display name"), max_length=60, blank=True, validators=[validate_visible_name])
    mobile = PhoneNumberField(_("mobile"), blank=True, validators=[validate_mainland_mobile])
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("Notifications and emails are written in this language; set by the language switcher."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []
    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.display_name or self.email

    def get_full_name(self):
        return self.display_name or self.email

    def get_short_name(self):
        return self.display_name or self.email.split("@")[0]


# --- Audit trail ----------------------------------------------------------------------------
class AuditEvent(models.Model):
    """Append-only record of a state change. The database refuses UPDATE and DELETE on this table
    (trigger in migration 0002); write through `linke.audit.audit_record` only."""

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_kind = models.CharField(_("acting as"), max_length=20, choices=ActorKind.choices, blank=True)
    provider = models.ForeignKey(
        settings.TENANT_MODEL,
        verbose_name=_("provider"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=80)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"]), models.Index(fields=["provider", "-created_at"])]

    def __str__(self):
        from .audit import action_label  # audit writes this model: imported here, not at the top

        return f"{action_label(self.action)}: {self.object_repr}"


# --- Notifications --------------------------------------------------------------------------
class Notification(models.Model):
    """An in-app message to one user; the email copy is sent by `send_notification_email_task`."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    provider = models.ForeignKey(
        settings.TENANT_MODEL,
        verbose_name=_("provider"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    verb = models.CharField(_("kind"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"])]

    def __str__(self):
        return self.title


# --- Domain events (the outbox) -----------------------------------------------------------------
class DomainEvent(models.Model):
    """A fact other apps may react to, written in the transaction of the change it reports (the
    transactional outbox): rolled back with it, dispatched to subscribers only after it commits. Written
    through `linke.events.emit` only; its `type` is in the event catalogue (`docs/events.md`)."""

    type = models.CharField(_("type"), max_length=80, db_index=True)
    version = models.PositiveSmallIntegerField(_("payload version"))
    provider = models.ForeignKey(
        settings.TENANT_MODEL,
        verbose_name=_("provider"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    payload = models.JSONField(_("payload"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    swept_at = models.DateTimeField(_("queued again at"), null=True, blank=True)  # by the sweep, if it was lost

    class Meta:
        verbose_name = _("domain event")
        verbose_name_plural = _("domain events")
        ordering = ["-created_at", "-id"]
        indexes = [
            # the sweep looks for events whose dispatch was lost
            models.Index(
                fields=["created_at"], condition=models.Q(dispatched_at__isnull=True), name="event_undispatched"
            ),
        ]

    def __str__(self):
        return f"{self.type} #{self.pk}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class EventDelivery(models.Model):
    """One subscriber's handling of one event: the unique pair makes it happen at most once."""

    event = models.ForeignKey(DomainEvent, verbose_name=_("event"), on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.CharField(_("subscriber"), max_length=120)
    status = models.CharField(
        _("status"), max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("event delivery")
        verbose_name_plural = _("event deliveries")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "subscriber"], name="eventdelivery_once_per_subscriber"),
            models.CheckConstraint(
                condition=models.Q(status__in=DeliveryStatus.values), name="eventdelivery_status_valid"
            ),
        ]
        indexes = [
            # the sweep looks for pending deliveries whose task was lost
            models.Index(fields=["updated_at"], condition=models.Q(status="pending"), name="eventdelivery_pending"),
        ]

    def __str__(self):
        return f"{self.event} → {self.subscriber}"
