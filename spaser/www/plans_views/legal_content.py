"""Where the legal checklist meets the biennial publications, kept by another app above the plans (its seam)."""

from spaser.plans.legal_checklist import Biennial, LegalChecklist, legal_checklist
from spaser.plans.models import Scheme


def biennial(scheme: Scheme) -> Biennial | None:
    """What Spaser knows of the scheme's publications every two years: None until it keeps them (the publications
    app, once merged, answers here with its last publication date and the page to prepare the next one)."""
    return None


def checklist(scheme: Scheme) -> LegalChecklist:
    return legal_checklist(scheme, biennial(scheme))
