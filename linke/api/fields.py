from django.utils.translation import gettext as _
from rest_framework import serializers

from ..validators import normalize_credit_code, validate_credit_code


class CreditCodeSerializerField(serializers.CharField):
    """统一社会信用代码 as typed, cleaned to its canonical form and checked (as the portal's form does)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(validate_credit_code)

    def to_internal_value(self, data):
        return normalize_credit_code(super().to_internal_value(data))


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
