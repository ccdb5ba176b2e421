"""What can be chosen: active reference rows, plus those an object already has.

Operators deactivate cities and tracks rather than delete them. An object that already has one keeps it
on offer (portal forms, the admin and the API alike): saving an unrelated change must not silently drop
it, nor refuse the save."""

from django.db.models import Q

from .models import ServiceCity, Track


def _active_or_chosen(model, chosen):
    queryset = model.objects.all()
    if chosen is None:
        return queryset.active()
    return queryset.filter(Q(is_active=True) | Q(pk__in=chosen.values("pk")))


def service_city_choices(chosen=None):
    """Service cities to choose from, in the model's order; `chosen`: the cities an object has now (a related
    manager or queryset)."""
    return _active_or_chosen(ServiceCity, chosen).select_related("province")


def track_choices(chosen=None):
    """Tracks to choose from; `chosen`: the tracks an object has now."""
    return _active_or_chosen(Track, chosen)
