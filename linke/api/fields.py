from django.utils.translation import gettext as _
from rest_framework import serializers


class RelatedListField(serializers.ListField):
    """Related rows given by id (or slug), read in one query: DRF's `many=True` related fields read
    them one by one."""

    def __init__(self, *, queryset, lookup="pk", **kwargs):
        self.queryset, self.lookup = queryset, lookup
        child = serializers.IntegerField() if lookup == "pk" else serializers.SlugField()
        super().__init__(child=child, **kwargs)

    def to_internal_value(self, data):
        keys = list(dict.fromkeys(super().to_internal_value(data)))
        found = {getattr(row, self.lookup): row for row in self.queryset.filter(**{f"{self.lookup}__in": keys})}
        unknown = [str(key) for key in keys if key not in found]
        if unknown:
            raise serializers.ValidationError(_("Unknown: %(keys)s.") % {"keys": ", ".join(unknown)})
        return [found[key] for key in keys]

    def to_representation(self, value):
        rows = value.all() if hasattr(value, "all") else value
        return [getattr(row, self.lookup) for row in rows]
