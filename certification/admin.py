from django.contrib import admin

from .models import Track


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "slug", "full_operation_requires_certification", "is_active", "position"]
    list_filter = ["is_active", "full_operation_requires_certification"]
    list_editable = ["is_active", "position"]
    search_fields = ["name", "name_en", "slug"]
    filter_horizontal = ["categories"]
