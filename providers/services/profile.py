"""The provider's details and directory profile: introduction, markets, offer, case studies, packages.

Members with EDIT_SETTINGS edit the profile; platform operators (the admin) may also edit what only
they edit (name, credit code, legal representative). Every change is audited with before/after."""

from django.db import transaction
from django.utils.translation import gettext as _

from linke.actors import Actor
from linke.audit import audit_record
from linke.errors import PermissionDeniedError
from linke.locks import relock
from linke.text import join_names

from ..choices import AuditAction
from ..models import CaseStudy, Provider, ServicePackage
from ..permissions import MESSAGES, Action, require
from .directory import listing_refresh_on_commit

PROFILE_FIELDS = ["introduction", "cooperation_modes", "service_areas", "access_mode", "contact_name", "contact_mobile"]
OPERATOR_FIELDS = ["name", "credit_code", "legal_representative"]  # as on the business licence: operators only
RELATED_FIELDS = ["service_cities", "tracks"]


def _snapshot(provider: Provider, fields: list[str]) -> dict:
    data = {field: getattr(provider, field) for field in fields}
    if "contact_mobile" in data:
        data["contact_mobile"] = str(data["contact_mobile"] or "")
    data["service_cities"] = sorted(provider.service_cities.values_list("pk", flat=True))
    data["tracks"] = sorted(provider.tracks.values_list("pk", flat=True))
    return data


def _authorise(actor: Actor, provider, *, fresh: bool = False) -> None:
    """EDIT_SETTINGS for a member of `provider`; operators may always."""
    if not actor.is_operator:
        require(actor, Action.EDIT_SETTINGS, provider=provider, fresh=fresh)


@transaction.atomic
def provider_update(*, actor: Actor, provider: Provider, data: dict) -> Provider:
    """Update the fields present in `data` (`service_cities` / `tracks`: iterables of objects or ids).
    A member with EDIT_SETTINGS changes the profile fields; an operator also the name, credit code and
    legal representative (`data` already validated by the caller's form or serializer). Audited."""
    provider = relock(provider)
    _authorise(actor, provider, fresh=True)
    allowed = PROFILE_FIELDS + (OPERATOR_FIELDS if actor.is_operator else [])
    refused = set(data) - set(allowed) - set(RELATED_FIELDS)
    if refused:
        labels = join_names(Provider._meta.get_field(name).verbose_name for name in sorted(refused))
        raise PermissionDeniedError(
            _("Only platform operators can change %(fields)s.") % {"fields": labels},
            details={"fields": sorted(refused)},
        )
    before = _snapshot(provider, allowed)
    fields = [field for field in allowed if field in data]
    for field in fields:
        setattr(provider, field, data[field])
    provider.save(update_fields=fields)
    for field in RELATED_FIELDS:
        if field in data:
            getattr(provider, field).set(data[field])
    after = _snapshot(provider, allowed)
    listing_refresh_on_commit(provider.pk)
    if after != before:
        audit_record(
            action=AuditAction.PROVIDER_UPDATE,
            obj=provider,
            actor=actor,
            provider=provider,
            before={k: v for k, v in before.items() if after[k] != v},
            after={k: v for k, v in after.items() if before[k] != v},
        )
    return provider


def _save_owned(*, model, instance, provider, actor: Actor, data: dict, action: AuditAction):
    if instance is not None and instance.provider_id != provider.pk:
        raise PermissionDeniedError(MESSAGES[Action.EDIT_SETTINGS])
    with transaction.atomic():
        _authorise(actor, provider, fresh=True)
        instance = model(provider=provider) if instance is None else relock(instance)
        for field, value in data.items():
            setattr(instance, field, value)
        instance.full_clean()
        instance.save()
        listing_refresh_on_commit(provider.pk)  # titles are searched, packages' areas filtered
        audit_record(
            action=action, obj=instance, actor=actor, provider=provider, after={k: str(v) for k, v in data.items()}
        )
    return instance


def case_study_save(*, actor: Actor, provider, data: dict, case_study: CaseStudy | None = None) -> CaseStudy:
    """Create or update a case study of `provider` (EDIT_SETTINGS, or an operator)."""
    return _save_owned(
        model=CaseStudy,
        instance=case_study,
        provider=provider,
        actor=actor,
        data=data,
        action=AuditAction.CASE_STUDY_SAVE,
    )


def service_package_save(
    *, actor: Actor, provider, data: dict, package: ServicePackage | None = None
) -> ServicePackage:
    """Create or update a service package of `provider` (EDIT_SETTINGS, or an operator); price is CNY Decimal."""
    return _save_owned(
        model=ServicePackage,
        instance=package,
        provider=provider,
        actor=actor,
        data=data,
        action=AuditAction.SERVICE_PACKAGE_SAVE,
    )


DELETE_ACTIONS = {CaseStudy: AuditAction.CASE_STUDY_DELETE, ServicePackage: AuditAction.SERVICE_PACKAGE_DELETE}


def profile_item_delete(*, actor: Actor, item: CaseStudy | ServicePackage) -> None:
    """Delete a case study or service package (EDIT_SETTINGS, or an operator), leaving an audit record."""
    with transaction.atomic():
        _authorise(actor, item.provider_id, fresh=True)
        audit_record(
            action=DELETE_ACTIONS[type(item)],
            obj=item,
            actor=actor,
            provider=item.provider,
            before={"name": str(item)},
        )
        item.delete()
        listing_refresh_on_commit(item.provider_id)
