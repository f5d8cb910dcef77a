from django.contrib import admin

from warroom.redaction.models import Correction, Pseudonym


@admin.register(Pseudonym)
class PseudonymAdmin(admin.ModelAdmin):
    list_display = ["incident", "key", "standin", "created_at"]
    list_filter = ["incident"]


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    list_display = ["incident", "text", "kind", "created_by", "created_at"]
