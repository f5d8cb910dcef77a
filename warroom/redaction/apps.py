from django.apps import AppConfig


class RedactionConfig(AppConfig):
    name = "warroom.redaction"
    label = "redaction"
    verbose_name = "Redaction"
