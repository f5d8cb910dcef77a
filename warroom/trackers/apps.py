from django.apps import AppConfig


class TrackersConfig(AppConfig):
    name = "warroom.trackers"
    label = "trackers"
    verbose_name = "Issue trackers"
