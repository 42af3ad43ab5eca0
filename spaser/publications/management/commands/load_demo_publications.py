"""`manage.py load_demo_publications`: one published biennial publication and one draft on the largest demo scheme."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from spaser.indicators.readers import StoreUnavailable
from spaser.plans.publishing import PublishingRefused
from spaser.publications.demo import NoDemoScheme, load_demo_publications


class Command(BaseCommand):
    help = "Publie la publication biennale de démonstration du plus grand SPASER fictif et en prépare une autre."

    def add_arguments(self, parser):
        parser.add_argument("--store", type=Path, default=None, help="Dossier de l'entrepôt DECP")

    def handle(self, *args, store: Path | None = None, **options):
        try:
            published, draft = load_demo_publications(Path(store or settings.SPASER_STORE_DIR))
        except (NoDemoScheme, PublishingRefused, StoreUnavailable) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Publication biennale {published.period} de {published.buyer_name} publiée ; "
                f"{draft.period} en brouillon."
            )
        )
