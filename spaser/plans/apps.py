from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "spaser.plans"
    verbose_name = "SPASER"
