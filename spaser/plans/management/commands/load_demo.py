"""`manage.py load_demo`: fictitious buyers with complete SPASER, real directory entries and demo logins."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import NoReverseMatch

from spaser.plans.demo import DEMO_PASSWORD, DemoError, Loaded, load_demo
from spaser.plans.models import Scheme


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


def summary_tables(loaded: Loaded) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, header, rows) of the tables the command prints."""
    organisations = [
        [
            str(organisation),
            organisation.siren,
            organisation.buyer_type,
            "oui" if organisation.fictitious else "non (annuaire national)",
            str(organisation.establishments.count()),
        ]
        for organisation in loaded.organisations
    ]
    schemes = []
    for scheme in loaded.schemes:
        scheme.refresh_from_db()
        schemes.append(
            [
                scheme.title,
                " + ".join(str(organisation) for organisation in scheme.all_organisations()),
                f"{scheme.start_year}-{scheme.end_year}",
                str(scheme.edition),
                scheme.get_status_display(),
                public_path(scheme) if scheme.is_public else "(brouillon, non public)",
            ]
        )
    logins = [[email, organisation, role, DEMO_PASSWORD] for email, organisation, role in loaded.logins]
    return [
        ("Organisations", ["Nom", "SIREN", "Type", "Fictive", "SIRET"], organisations),
        ("SPASER", ["Titre", "Organisations", "Période", "Édition", "Statut", "Adresse publique"], schemes),
        ("Comptes de démonstration", ["Identifiant", "Organisation", "Rôle", "Mot de passe"], logins),
    ]


def public_path(scheme: Scheme) -> str:
    try:
        return scheme.public_url()
    except NoReverseMatch:  # the public pages may not be wired yet
        return f"/spaser/{scheme.slug}/"


def format_table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]

    def line(cells: list[str]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()

    return [line(header), line(["-" * width for width in widths]), *(line(row) for row in rows)]
