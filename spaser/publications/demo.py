"""Demonstration publications: the largest demo scheme gets its first period published and the current one in
draft, so that the public page, the downloads, the API and the observatory's badge have something to show.

Run after `load_demo` (`make demo`); loading twice gives the same publications.
"""

from pathlib import Path

from django.db import transaction
from django.utils import timezone

from spaser.organisations.models import Membership, Role
from spaser.plans.models import Scheme
from spaser.publications import preparing
from spaser.publications.models import Publication


class NoDemoScheme(Exception):
    pass


def largest_demo_scheme() -> Scheme:
    """The published fictitious scheme covering the most years (the Région Exemple's)."""
    schemes = Scheme.objects.published().filter(organisation__fictitious=True).select_related("organisation")
    scheme = max(schemes, key=lambda s: (s.end_year - s.start_year, -s.pk), default=None)
    if scheme is None:
        raise NoDemoScheme("Aucun SPASER de démonstration publié : lancez d'abord « manage.py load_demo ».")
    return scheme


def load_demo_publications(store: Path) -> tuple[Publication, Publication]:
    """(the published publication, the draft) of the largest demo scheme's owner."""
    scheme = largest_demo_scheme()
    buyer = scheme.organisation
    admin = Membership.objects.filter(organisation=buyer, role=Role.ADMIN).select_related("user").first().user
    with transaction.atomic():
        Publication.objects.filter(scheme=scheme).delete()
        published = preparing.publish(preparing.prepare(scheme, buyer, scheme.start_year, admin), admin, store)
        current = preparing.default_first_year(timezone.localdate())
        draft = preparing.prepare(scheme, buyer, max(current, scheme.start_year + 1), admin)
    return published, draft
