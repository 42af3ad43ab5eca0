from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from spaser.formatting import count
from spaser.governance.calendar import meetings_between
from spaser.plans import digests


class Command(BaseCommand):
    help = (
        "Envoie les récapitulatifs des actions en retard (une fois par semaine et par destinataire) et ceux d'avant "
        "réunion ; jamais deux fois le même. À lancer chaque jour par cron ou un planificateur."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Affiche les envois prévus sans rien envoyer.")

    def handle(self, *args, dry_run: bool = False, **options):
        today = timezone.localdate()
        due = digests.overdue_digests(today) + digests.meeting_digests(today, meetings_between)
        sent = digests.send(due, settings.SPASER_SITE_URL, today, dry_run=dry_run)
        verb = "à envoyer" if dry_run else "envoyé"
        for digest in sent:
            self.stdout.write(f"{digest.key} → {digest.recipient} ({count(len(digest.actions), 'action')}) : {verb}")
        self.stdout.write(f"{len(sent)} récapitulatif(s) {verb}, {len(due) - len(sent)} déjà envoyé(s).")
