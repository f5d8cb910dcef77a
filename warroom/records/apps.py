from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "warroom.records"
    label = "records"
    verbose_name = "Outage issues and incident exports"
