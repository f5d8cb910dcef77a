from django.apps import AppConfig


class PublicPageConfig(AppConfig):
    name = "warroom.publicpage"
    label = "publicpage"
