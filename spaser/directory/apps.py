from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "spaser.directory"
    verbose_name = "Annuaire des SPASER"
