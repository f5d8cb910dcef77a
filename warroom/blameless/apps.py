from django.apps import AppConfig


class BlamelessConfig(AppConfig):
    name = "warroom.blameless"
    label = "blameless"
    verbose_name = "Blameless redaction"
