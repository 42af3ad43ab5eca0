"""`manage.py load_demo`: fictitious buyers with complete SPASER, real directory entries and demo logins."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from spaser.plans.demo import DEMO_PASSWORD, DemoError, format_table, load_demo, summary_tables


class Command(BaseCommand):
    help = (
        "Charge les données de démonstration : acheteurs fictifs tirés de l'entrepôt DECP synthétique avec un "
        "SPASER complet, fiches réelles de l'annuaire national et comptes de démonstration (rechargeable sans "
        "doublon)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--store",
            type=Path,
            default=None,
            help="Dossier de l'entrepôt DECP (par défaut : SPASER_STORE_DIR)",
        )

    def handle(self, *args, store: Path | None = None, **options):
        store = Path(store or settings.SPASER_STORE_DIR)
        try:
            loaded = load_demo(store)
        except DemoError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Données de démonstration chargées depuis {store} : {len(loaded.organisations)} organisations, "
                f"{len(loaded.schemes)} SPASER, {len(loaded.logins)} comptes."
            )
        )
        for title, header, rows in summary_tables(loaded):
            self.stdout.write("")
            self.stdout.write(self.style.MIGRATE_HEADING(title))
            for line in format_table(header, rows):
                self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write(
            f"Mot de passe commun des comptes de démonstration : {DEMO_PASSWORD} (à ne jamais utiliser en "
            "production). Les organisations marquées « (fictive) » n'existent pas ; leurs marchés sont des DECP "
            "synthétiques."
        )
