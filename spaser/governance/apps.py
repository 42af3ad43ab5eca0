from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "spaser.governance"
    verbose_name = "Gouvernance des SPASER"

    def ready(self):
        from spaser.governance.models import Decision
        from spaser.plans import history

        history.register(
            history.Kind("decisions", "Décision", Decision),
            lambda scheme: Decision.history.filter(meeting__committee__scheme=scheme),
        )
