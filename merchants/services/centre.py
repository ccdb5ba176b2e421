"""The merchant centre: a user's merchant profile and the merchant's stores, and the lead a merchant
without a provider becomes.

The profile is made by the signed-in user for themselves (one per user: the `owner` one-to-one) and then
changed by that merchant; stores are written by the merchant alone (`Actor.for_merchant`). Every write is
audited in its transaction. `data` has been validated by the caller's form or serializer; the rules that
must hold whoever calls (one profile per user, a store's district in its city) are checked here again."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linke.actors import Actor, ActorKind
from linke.audit import audit_record
from linke.errors import ApplicationError, ConflictError, PermissionDeniedError
from linke.locks import lock, relock

from ..choices import CentreAuditAction, LeadSource
from ..models import Lead, Merchant, Store
from ..rules import address_key
from ..selectors.centre import district_problem
from ..tenancy import merchant_scope

MERCHANT_EXISTS = gettext_lazy("You already have a merchant account: it is shown in your merchant centre.")
PROFILE_FIELDS = ["name", "credit_code", "contact_name", "contact_mobile"]
STORE_FIELDS = ["name", "city", "district", "address", "category", "average_ticket"]


def _snapshot(obj, fields: list[str]) -> dict:
    """The fields as the audit trail keeps them (related rows by id, numbers and phones as text)."""
    values = {}
    for name in fields:
        model_field = obj._meta.get_field(name)
        value = getattr(obj, model_field.attname)
        values[name] = value if value is None or isinstance(value, bool | int) else str(value)
    return values


def _changes(before: dict, after: dict) -> tuple[dict, dict]:
    changed = [name for name in after if before.get(name) != after[name]]
    return {name: before.get(name) for name in changed}, {name: after[name] for name in changed}


def _require_merchant(actor: Actor, merchant_id: int) -> None:
    """Only the merchant itself writes its profile and stores."""
    if actor.kind != ActorKind.MERCHANT or actor.merchant is None or actor.merchant.pk != merchant_id:
        raise PermissionDeniedError(_("Only the merchant itself can change its profile and stores."))


def _refused_fields(data: dict, allowed: list[str]) -> None:
    if unknown := sorted(set(data) - set(allowed)):
        raise ApplicationError(
            _("These fields cannot be set here: %(fields)s.") % {"fields": ", ".join(unknown)},
            details={"fields": unknown},
        )


# --- the merchant profile ---------------------------------------------------------------------------


def merchant_create(*, actor: Actor, user, data: dict) -> Merchant:
    """Create `user`'s merchant profile (legal name; optional credit code, contact name, contact mobile),
    as that user (`Actor.for_user(user)`). A user has one merchant account: a second one, even from two
    submits at the same moment, is refused with `merchant_exists` (the one-to-one on `owner` decides)."""
    if actor.kind != ActorKind.USER or actor.user is None or actor.user.pk != user.pk:
        raise PermissionDeniedError(_("A merchant profile can only be created by the user it belongs to."))
    _refused_fields(data, PROFILE_FIELDS)
    exists = ConflictError(MERCHANT_EXISTS, code="merchant_exists")
    if Merchant.objects.filter(owner=user).exists():
        raise exists
    with transaction.atomic():
        try:
            with transaction.atomic():
                merchant = Merchant.objects.create(owner=user, **data)
        except IntegrityError as error:  # the same user's other submit won the race
            if Merchant.objects.filter(owner=user).exists():
                raise exists from error
            raise
        audit_record(
            action=CentreAuditAction.MERCHANT_CREATE,
            obj=merchant,
            actor=actor,
            after=_snapshot(merchant, PROFILE_FIELDS),
        )
    return merchant


@transaction.atomic
def merchant_update(*, actor: Actor, merchant: Merchant, data: dict) -> Merchant:
    """Change the fields of the profile present in `data`. A contact mobile given to a merchant that has
    stores but is not a lead yet makes it one (see `store_create`). Audited with what changed."""
    _require_merchant(actor, merchant.pk)
    _refused_fields(data, PROFILE_FIELDS)
    merchant = relock(merchant)
    before = _snapshot(merchant, PROFILE_FIELDS)
    for name, value in data.items():
        setattr(merchant, name, value)
    if data:
        merchant.save(update_fields=list(data))
    before, after = _changes(before, _snapshot(merchant, PROFILE_FIELDS))
    if after:
        audit_record(action=CentreAuditAction.MERCHANT_UPDATE, obj=merchant, actor=actor, before=before, after=after)
        if "contact_mobile" in after:
            with merchant_scope(merchant):
                _lead_sync(actor, merchant)
    return merchant


# --- stores -----------------------------------------------------------------------------------------


def _check_district(store: Store) -> None:
    if problem := district_problem(store.city, store.district):
        raise ApplicationError(problem, code="district_not_in_city", details={"district": [problem]})


def store_create(*, actor: Actor, merchant: Merchant, data: dict) -> Store:
    """Add a store to `merchant` (its own actor only). Locks the merchant row, so that stores added at the
    same moment count one after the other; then keeps the merchant's lead in step (`_lead_sync`): a
    merchant without a provider becomes a lead with its first store."""
    _require_merchant(actor, merchant.pk)
    _refused_fields(data, STORE_FIELDS)
    with transaction.atomic(), merchant_scope(merchant):
        merchant = relock(merchant)
        store = Store(merchant=merchant, **data)
        _check_district(store)
        store.save()
        audit_record(
            action=CentreAuditAction.STORE_CREATE, obj=store, actor=actor, after=_snapshot(store, STORE_FIELDS)
        )
        _lead_sync(actor, merchant)
    return store


def store_update(*, actor: Actor, store: Store, data: dict) -> Store:
    """Change the fields of a store present in `data` (its merchant's actor only). Audited with what changed."""
    _require_merchant(actor, store.merchant_id)
    _refused_fields(data, STORE_FIELDS)
    with transaction.atomic(), merchant_scope(store.merchant_id):
        store = relock(store)
        before = _snapshot(store, STORE_FIELDS)
        for name, value in data.items():
            setattr(store, name, value)
        _check_district(store)
        if data:
            store.save(update_fields=list(data))
        before, after = _changes(before, _snapshot(store, STORE_FIELDS))
        if after:
            audit_record(action=CentreAuditAction.STORE_UPDATE, obj=store, actor=actor, before=before, after=after)
    return store


# --- the merchant's lead ----------------------------------------------------------------------------


def _lead_sync(actor: Actor, merchant: Merchant) -> Lead | None:
    """Merchants without a provider become leads (SPEC §4). Called inside the caller's transaction and the
    merchant's scope, with the merchant row locked (so two stores saved at once count one after the other):

    * the merchant has a lead: its `store_count` follows the stores (never below what an import said);
    * it has none, stores and a contact mobile: a new `signup` lead is made from the profile and the first
      store, unless a lead with the same natural key (mobile and the first store's `address_key`) exists.
      That one is **not** linked to this account: the mobile is typed, not proven, and a link would let
      anyone who knows a lead's mobile and address (a former holder) see who holds it and end the claim by
      opting out. Linking waits for a proof of the mobile (an SMS code, not built yet);
    * no contact mobile: no lead (a lead's mobile is how providers reach it; the dashboard says so)."""
    stores = Store.objects.order_by("created_at", "pk")
    store_count = stores.count()
    lead = lock(Lead.objects.filter(merchant=merchant)).first()
    if lead is not None:
        if store_count > lead.store_count:
            lead.store_count = store_count
            lead.save(update_fields=["store_count"])
        return lead
    first = stores.first()
    if first is None or not merchant.contact_mobile:
        return None
    key = address_key(first.address)
    if Lead.objects.filter(mobile=merchant.contact_mobile, address_key=key).exists():
        return None
    try:
        with transaction.atomic():
            return _lead_create(actor, merchant, first, key, store_count)
    except IntegrityError:  # an import wrote the same natural key at the same moment: that lead stands
        return None


def _lead_create(actor: Actor, merchant: Merchant, store: Store, key: str, store_count: int) -> Lead:
    lead = Lead.objects.create(
        source=LeadSource.SIGNUP,
        merchant=merchant,
        merchant_name=merchant.name,
        contact_name=merchant.contact_name,
        mobile=merchant.contact_mobile,
        city_id=store.city_id,
        district_id=store.district_id,
        address=store.address,
        address_key=key,
        category_id=store.category_id,
        store_count=store_count,
    )
    audit_record(
        action=CentreAuditAction.LEAD_SIGNUP,
        obj=lead,
        actor=actor,
        after={"merchant": merchant.pk, "store": store.pk, "store_count": store_count},
    )
    return lead
