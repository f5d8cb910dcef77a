from django.apps import AppConfig


class TimelineConfig(AppConfig):
    name = "warroom.timeline"
    label = "timeline"
