from django.apps import AppConfig


class PublicPageConfig(AppConfig):
    name = "warroom.publicpage"
    label = "publicpage"

    def ready(self) -> None:
        from warroom.lib.publiccache import on_public_change
        from warroom.publicpage.tasks import copy_soon

        on_public_change(copy_soon)
