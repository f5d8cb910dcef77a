from django.apps import AppConfig


class PlaybooksConfig(AppConfig):
    name = "warroom.playbooks"
    label = "playbooks"
