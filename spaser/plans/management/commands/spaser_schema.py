from django.core.management.base import BaseCommand

from spaser.plans.exchange_format import schema_json


class Command(BaseCommand):
    help = "Écrit le schéma JSON du format d'échange des SPASER (docs/spaser-schema.json)."

    def handle(self, *args, **options):
        self.stdout.write(schema_json(), ending="")
