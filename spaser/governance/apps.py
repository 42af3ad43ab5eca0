from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "spaser.governance"
    verbose_name = "Gouvernance des SPASER"
