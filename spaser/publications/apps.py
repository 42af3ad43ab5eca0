from django.apps import AppConfig


class PublicationsConfig(AppConfig):
    name = "spaser.publications"
    verbose_name = "Publications biennales"
