from django.contrib import admin

from warroom.accounts.models import ApiToken, Person


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["username", "display_name", "email", "team"]
    search_fields = ["username", "display_name", "email"]
    list_filter = ["team"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["digest", "prefix", "created_at", "last_used_at"]
    list_filter = ["revoked_at"]
