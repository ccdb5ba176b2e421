from django.db import models
from django.utils.translation import gettext_lazy as _

from linke.models import localized_name


class Track(models.Model):
    """A 赛道: an industry track that groups categories; providers are certified per track."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=100)
    categories = models.ManyToManyField(
        "linke.Category", verbose_name=_("categories"), related_name="tracks", blank=True
    )
    full_operation_requires_certification = models.BooleanField(
        _("full operation requires certification"), default=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("track")
        verbose_name_plural = _("tracks")
        ordering = ["position", "slug"]

    def __str__(self):
        return localized_name(self)
