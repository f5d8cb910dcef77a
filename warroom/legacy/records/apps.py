from django.apps import AppConfig


class LegacyRecordsConfig(AppConfig):
    """Only migrations: the app's models moved to `warroom.trackers`, whose migrations took them over.
    It stays installed so that a database made before the move migrates (docs/architecture.md)."""

    name = "warroom.legacy.records"
    label = "records"
