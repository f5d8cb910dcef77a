from django.apps import AppConfig


class ImpactConfig(AppConfig):
    name = "warroom.impact"
    label = "impact"
    verbose_name = "Components, segments and impact"
