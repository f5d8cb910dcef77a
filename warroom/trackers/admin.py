from django.contrib import admin

from warroom.trackers.models import TrackerIssue


@admin.register(TrackerIssue)
class TrackerIssueAdmin(admin.ModelAdmin):
    list_display = ["incident", "tracker", "project", "number", "url", "exported_at"]
    list_filter = ["tracker"]
    # Deleting the row makes the next export open a new issue; editing it would point elsewhere.
    readonly_fields = ["incident", "tracker", "project", "number", "url", "labels", "exported_at"]
