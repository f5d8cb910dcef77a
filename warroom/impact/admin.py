from django.contrib import admin

from warroom.impact.models import Component, Segment


@admin.register(Component, Segment)
class NamedAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
