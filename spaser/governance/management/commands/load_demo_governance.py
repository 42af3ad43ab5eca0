"""`manage.py load_demo_governance`: committees, meetings and decisions of the demo schemes (after `load_demo`)."""

from django.core.management.base import BaseCommand

from spaser.governance.demo import demo_schemes, load_governance_demo


class Command(BaseCommand):
    help = (
        "Charge la gouvernance de démonstration des SPASER fictifs adoptés (COTECH mensuel, COPIL semestriel, "
        "réunions passées avec compte rendu, présents et décisions) ; à lancer après load_demo, sans doublon."
    )

    def handle(self, *args, **options):
        committees = load_governance_demo(demo_schemes())
        schemes = len({committee.scheme_id for committee in committees})
        self.stdout.write(
            self.style.SUCCESS(f"Gouvernance de démonstration : {len(committees)} comités, {schemes} SPASER.")
        )
