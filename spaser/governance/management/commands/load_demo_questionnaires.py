"""`manage.py load_demo_questionnaires`: purchase questionnaires of the demo schemes (after `load_demo`)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from spaser.governance.demo import demo_schemes
from spaser.governance.questionnaire_demo import load_questionnaire_demo
from spaser.indicators.readers import StoreUnavailable


class Command(BaseCommand):
    help = (
        "Charge les questionnaires d'achat de démonstration des SPASER fictifs adoptés (deux achats questionnés "
        "et liés à des marchés de l'entrepôt DECP, une consultation sans questionnaire, un achat en préparation) ; "
        "à lancer après load_demo, sans doublon."
    )

    def handle(self, *args, **options):
        schemes = list(demo_schemes())
        try:
            projects = load_questionnaire_demo(schemes, settings.SPASER_STORE_DIR, timezone.localdate())
        except StoreUnavailable as error:
            raise CommandError(f"Questionnaires de démonstration non chargés : {error}") from error
        linked = sum(1 for project in projects if project.contract_uid)
        self.stdout.write(
            self.style.SUCCESS(
                f"Questionnaires d'achat de démonstration : {len(projects)} achats, dont {linked} liés à un "
                f"marché, {len(schemes)} SPASER."
            )
        )
