from django.contrib import admin

from warroom.impact.models import Component, Segment
from warroom.impact.services import catalogue_changed


@admin.register(Component, Segment)
class NamedAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}

    # Names and order are on public pages: every change goes through catalogue_changed.
    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        catalogue_changed([obj])

    def delete_model(self, request, obj) -> None:
        catalogue_changed([obj])  # before: the incidents are found through its assessments
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        catalogue_changed(list(queryset))
        super().delete_queryset(request, queryset)
