"""The legal checklist of a scheme, with what the publications app knows of its biennial publication."""

from django.urls import reverse

from spaser.plans.legal_checklist import Biennial, LegalChecklist, legal_checklist
from spaser.plans.models import Scheme
from spaser.publications.status import last_publication


def biennial(scheme: Scheme) -> Biennial:
    return Biennial(last_publication(scheme), reverse("publications:list", args=[scheme.pk]))


def checklist(scheme: Scheme) -> LegalChecklist:
    return legal_checklist(scheme, biennial(scheme))
