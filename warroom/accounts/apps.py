from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "warroom.accounts"
    label = "accounts"
