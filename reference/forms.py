from .selectors import service_city_choices, track_choices


class KeepsChosenRowsMixin:
    """For the forms and API serializers of objects with service cities and tracks: what they offer is
    the active rows plus those the object has (`reference.selectors`), in the portal, the admin and the API."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is None or not instance.pk:
            return
        if field := self.fields.get("service_cities"):
            field.queryset = service_city_choices(chosen=instance.service_cities)
        if field := self.fields.get("tracks"):
            field.queryset = track_choices(chosen=instance.tracks)
