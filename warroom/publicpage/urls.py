from django.urls import path

from warroom.publicpage import feeds, statuspage_views, views

app_name = "public"
urlpatterns = [
    path("", views.status_page, name="status"),
    path("incidents/<slug:slug>/", views.incident_page, name="incident"),
    path("incidents/<slug:slug>/live.json", views.live_json, name="live"),
    path("feed.atom", feeds.site_feed, {"flavour": "atom"}, name="feed_atom"),
    path("feed.rss", feeds.site_feed, {"flavour": "rss"}, name="feed_rss"),
    path(
        "incidents/<slug:slug>/feed.atom",
        feeds.incident_feed,
        {"flavour": "atom"},
        name="incident_feed_atom",
    ),
    path(
        "incidents/<slug:slug>/feed.rss",
        feeds.incident_feed,
        {"flavour": "rss"},
        name="incident_feed_rss",
    ),
    # Statuspage's paths for the same feeds, so readers pointed at them keep working.
    path("history.atom", feeds.site_feed, {"flavour": "atom"}),
    path("history.rss", feeds.site_feed, {"flavour": "rss"}),
    path("incidents/<slug:slug>/history.atom", feeds.incident_feed, {"flavour": "atom"}),
    path("incidents/<slug:slug>/history.rss", feeds.incident_feed, {"flavour": "rss"}),
    # Statuspage's public v2 JSON (docs/statuspage.md): a contract, the paths are Statuspage's.
    path("api/v2/summary.json", statuspage_views.summary, name="statuspage_summary"),
    path("api/v2/status.json", statuspage_views.status, name="statuspage_status"),
    path("api/v2/components.json", statuspage_views.components, name="statuspage_components"),
    path("api/v2/incidents.json", statuspage_views.incidents, name="statuspage_incidents"),
    path(
        "api/v2/incidents/unresolved.json",
        statuspage_views.unresolved_incidents,
        name="statuspage_unresolved",
    ),
    path(
        "api/v2/scheduled-maintenances.json",
        statuspage_views.scheduled_maintenances,
        name="statuspage_maintenances",
    ),
]
