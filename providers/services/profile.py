"""The provider's directory profile: introduction, markets, offer, case studies, packages."""

from django.db import transaction

from linke.audit import audit_record
from linke.errors import PermissionDeniedError

from ..models import CaseStudy, Provider, ServicePackage
from ..permissions import MESSAGES, Action, require

PROFILE_FIELDS = ["introduction", "cooperation_modes", "service_areas", "access_mode", "contact_name", "contact_mobile"]


def _snapshot(provider: Provider) -> dict:
    data = {field: getattr(provider, field) for field in PROFILE_FIELDS}
    data["contact_mobile"] = str(data["contact_mobile"] or "")
    data["service_cities"] = sorted(provider.service_cities.values_list("pk", flat=True))
    data["tracks"] = sorted(provider.tracks.values_list("pk", flat=True))
    return data


@transaction.atomic
def provider_profile_update(*, provider: Provider, actor_membership, data: dict) -> Provider:
    """Update the profile fields present in `data` (`service_cities` / `tracks`: iterables of
    objects or ids). Requires EDIT_SETTINGS. Audited with before/after."""
    provider = Provider.objects.select_for_update().get(pk=provider.pk)
    require(actor_membership, Action.EDIT_SETTINGS, provider=provider, fresh=True)
    before = _snapshot(provider)
    fields = [field for field in PROFILE_FIELDS if field in data]
    for field in fields:
        setattr(provider, field, data[field])
    provider.save(update_fields=fields)
    if "service_cities" in data:
        provider.service_cities.set(data["service_cities"])
    if "tracks" in data:
        provider.tracks.set(data["tracks"])
    after = _snapshot(provider)
    if after != before:
        audit_record(
            action="provider.profile_update",
            obj=provider,
            actor=actor_membership.user,
            provider=provider,
            before={k: v for k, v in before.items() if after[k] != v},
            after={k: v for k, v in after.items() if before[k] != v},
        )
    return provider


def _save_owned(*, model, instance, provider, actor_membership, data: dict, action: str):
    if instance is not None and instance.provider_id != provider.pk:
        raise PermissionDeniedError(MESSAGES[Action.EDIT_SETTINGS])
    with transaction.atomic():
        require(actor_membership, Action.EDIT_SETTINGS, provider=provider, fresh=True)
        if instance is None:
            instance = model(provider=provider)
        for field, value in data.items():
            setattr(instance, field, value)
        instance.full_clean()
        instance.save()
        audit_record(
            action=action,
            obj=instance,
            actor=actor_membership.user,
            provider=provider,
            after={k: str(v) for k, v in data.items()},
        )
    return instance


def case_study_save(*, provider, actor_membership, data: dict, case_study: CaseStudy | None = None) -> CaseStudy:
    """Create or update a case study of `provider` (EDIT_SETTINGS)."""
    return _save_owned(
        model=CaseStudy,
        instance=case_study,
        provider=provider,
        actor_membership=actor_membership,
        data=data,
        action="case_study.save",
    )


def service_package_save(
    *, provider, actor_membership, data: dict, package: ServicePackage | None = None
) -> ServicePackage:
    """Create or update a service package of `provider` (EDIT_SETTINGS); price is CNY Decimal."""
    return _save_owned(
        model=ServicePackage,
        instance=package,
        provider=provider,
        actor_membership=actor_membership,
        data=data,
        action="service_package.save",
    )


def profile_item_delete(*, item, actor_membership) -> None:
    """Delete a case study or service package (EDIT_SETTINGS), leaving an audit record."""
    with transaction.atomic():
        require(actor_membership, Action.EDIT_SETTINGS, provider=item.provider_id, fresh=True)
        audit_record(
            action=f"{item._meta.model_name}.delete",
            obj=item,
            actor=actor_membership.user,
            provider=item.provider,
            before={"name": str(item)},
        )
        item.delete()
