"""An app that only keeps its migrations: see apps.py."""
