from django.apps import AppConfig


class SubscribersConfig(AppConfig):
    name = "warroom.subscribers"
    label = "subscribers"
