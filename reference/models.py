"""Reference data shared by every domain: administrative regions, service cities, the category
taxonomy and the tracks (赛道) built on it. Loaded by `manage.py load_reference_data`; operators
may add rows and deactivate them, nothing is deleted."""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .querysets import ActiveQuerySet


def localized_name(obj) -> str:
    """The English name when the active language is English and one exists, else the Chinese."""
    english = getattr(obj, "name_en", "")
    return english if english and (get_language() or "").startswith("en") else obj.name


class RegionLevel(models.IntegerChoices):
    PROVINCE = 1, _("province")
    PREFECTURE = 2, _("prefecture")
    COUNTY = 3, _("county")


class Region(models.Model):
    """An administrative division (MCA adcode). A tree, because real administration skips levels:
    municipalities have counties directly, some counties hang under a province."""

    code = models.CharField(_("adcode"), max_length=12, primary_key=True)
    name = models.CharField(_("name"), max_length=60)
    level = models.PositiveSmallIntegerField(_("level"), choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    name_pinyin = models.CharField(_("pinyin"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("administrative region")
        verbose_name_plural = _("administrative regions")
        ordering = ["code"]
        constraints = [models.CheckConstraint(condition=models.Q(level__in=[1, 2, 3]), name="region_level_valid")]

    def __str__(self):
        return self.name


class ServiceCity(models.Model):
    """A business market (运营城市). Seeded from the city-level regions; operators add more."""

    region = models.OneToOneField(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="service_city"
    )
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    name_pinyin = models.CharField(_("pinyin"), max_length=200, db_index=True)
    name_initials = models.CharField(_("initials"), max_length=20, blank=True)
    province = models.ForeignKey(
        Region, verbose_name=_("province"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = ActiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("service city")
        verbose_name_plural = _("service cities")
        # Same-sounding cities (福州/抚州 are both fuzhoushi) follow their English names, which carry the province.
        ordering = ["name_pinyin", "name_en"]
        indexes = [GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="servicecity_name_trgm")]

    def __str__(self):
        return localized_name(self)


class Category(models.Model):
    """A two-level category: an industry (parent is null) or a sub-category."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=100)
    parent = models.ForeignKey(
        "self", verbose_name=_("industry"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    required_licences = models.JSONField(_("required licences"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["parent_id", "position", "slug"]

    def __str__(self):
        return localized_name(self)

    @property
    def licence_required(self) -> bool:
        return bool(self.required_licences)


class Track(models.Model):
    """A 赛道: an industry track that groups categories; providers are certified per track."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=100)
    categories = models.ManyToManyField("Category", verbose_name=_("categories"), related_name="tracks", blank=True)
    full_operation_requires_certification = models.BooleanField(
        _("full operation requires certification"), default=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = ActiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("track")
        verbose_name_plural = _("tracks")
        ordering = ["position", "slug"]

    def __str__(self):
        return localized_name(self)
