from django.apps import AppConfig


class PlaybooksConfig(AppConfig):
    name = "warroom.playbooks"
    label = "playbooks"

    def ready(self) -> None:
        from warroom.comms.delivery import on_outcome
        from warroom.playbooks.engine import messages_tried

        on_outcome(messages_tried)  # a step that sent a message follows its delivery
