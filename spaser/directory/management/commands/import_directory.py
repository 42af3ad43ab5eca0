"""`manage.py import_directory FILE`: imports a CSV of the national directory's fields, whole or not at all."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from spaser.directory.importing import import_csv


class Command(BaseCommand):
    help = (
        "Importe dans l'annuaire des SPASER un fichier CSV aux champs de l'annuaire national "
        "(docs/schemas/annuaire-spaser.json) : tout le fichier, ou rien s'il contient une erreur."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="Fichier CSV (UTF-8, séparateur « ; »)")

    def handle(self, *args, file: Path, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Impossible de lire « {file} » : {error.strerror}.") from error
        source, errors = import_csv(data, file.name, user=None)
        if errors:
            details = "\n".join(f"  {error}" for error in errors)
            raise CommandError(f"« {file.name} » n'a pas été importé ({len(errors)} erreur(s)) :\n{details}")
        self.stdout.write(self.style.SUCCESS(f"« {file.name} » importé : {source.rows} fiche(s) ajoutée(s)."))
