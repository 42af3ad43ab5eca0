"""`manage.py load_demo_directory`: the demo's imported directory entries (fictitious), replaced on every load."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from spaser.directory.importing import import_csv
from spaser.directory.models import DirectoryEntry, DirectoryImport, Source


DEMO_CSV = Path(__file__).parents[2] / "demo_data" / "annuaire-demo.csv"
# A national public body as the team would enter it: no population, a period without end (fictitious)
STAFF_ENTRY = {
    "siren": "180000994",
    "start_year": 2025,
    "name": "Établissement public Exemple (fictif)",
    "structure_type": "Etablissement public",
    "title": "SPASER de l'établissement",
    "edition": 1,
    "description": "Fiche fictive de démonstration saisie par l'équipe de la plateforme.",
}


class Command(BaseCommand):
    help = "Charge les fiches importées (fictives) de l'annuaire de démonstration, sans doublon si relancé."

    def handle(self, *args, **options):
        with transaction.atomic():
            DirectoryImport.objects.filter(file_name=DEMO_CSV.name).delete()
            source, errors = import_csv(DEMO_CSV.read_bytes(), DEMO_CSV.name, user=None)
            if errors:
                raise CommandError("\n".join(map(str, errors)))
            DirectoryEntry.objects.filter(source=Source.STAFF, siren=STAFF_ENTRY["siren"]).delete()
            DirectoryEntry.objects.create(source=Source.STAFF, **STAFF_ENTRY)
        self.stdout.write(
            self.style.SUCCESS(f"Annuaire de démonstration : {source.rows} fiches importées et 1 saisie (fictives).")
        )
