from django.apps import AppConfig


class PostmortemConfig(AppConfig):
    name = "warroom.postmortem"
    label = "postmortem"
    verbose_name = "Post-mortems"
