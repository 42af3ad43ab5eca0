from django.apps import AppConfig


class WwwConfig(AppConfig):
    name = "spaser.www"
    verbose_name = "Site web"
