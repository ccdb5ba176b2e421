from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Category, Region, ServiceCity, Track


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "name_pinyin"]
    list_filter = ["level"]
    search_fields = ["code", "name", "name_pinyin"]
    list_select_related = ["parent"]
    raw_id_fields = ["parent"]


@admin.register(ServiceCity)
class ServiceCityAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "province", "region", "is_active"]
    list_filter = ["is_active", ("province", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "name_en", "name_pinyin", "name_initials", "region__code"]
    list_select_related = ["province", "region"]
    list_editable = ["is_active"]
    autocomplete_fields = ["region", "province"]


class SubCategoryInline(admin.TabularInline):
    model = Category
    fields = ["slug", "name", "name_en", "required_licences", "position"]
    extra = 0


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "slug", "parent", "licence_required", "position"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "name_en", "slug"]
    list_select_related = ["parent"]
    inlines = [SubCategoryInline]

    @admin.display(boolean=True, description=_("licence required"))
    def licence_required(self, obj):
        return obj.licence_required


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "slug", "full_operation_requires_certification", "is_active", "position"]
    list_filter = ["is_active", "full_operation_requires_certification"]
    list_editable = ["is_active", "position"]
    search_fields = ["name", "name_en", "slug"]
    filter_horizontal = ["categories"]
