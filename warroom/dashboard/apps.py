from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "warroom.dashboard"
    label = "dashboard"
