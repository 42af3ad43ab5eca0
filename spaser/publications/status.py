"""Whether a buyer's biennial publication is up to date, late or missing (ma-cantine's « non télédéclaré »)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Max, Min, Q

from spaser.formatting import day
from spaser.plans.legal_checklist import two_years_after
from spaser.plans.models import PartnershipStatus, Scheme
from spaser.publications.models import Publication, Status


UP_TO_DATE, LATE, MISSING = "à jour", "en retard", "non publiée"
BADGES = {UP_TO_DATE: "success", LATE: "warning", MISSING: "error"}
NOTICE = timedelta(days=61)  # a meeting's agenda announces a publication due within two months


@dataclass(frozen=True)
class PublicationStatus:
    label: str  # UP_TO_DATE, LATE or MISSING
    due: date | None  # when the next publication is due: two years after the last one, or after the adoption
    last: date | None  # the day of the last publication

    @property
    def badge(self) -> str:
        return BADGES[self.label]


def publication_status(sirens, today: date) -> dict[str, PublicationStatus]:
    """{SIREN: status} for each buyer given: « à jour » while its last publication (or its scheme's adoption, before
    the first one) is less than two years old; « en retard » after; « non publiée » when it never published and
    its scheme's adoption is unknown, or older than two years."""
    sirens = set(sirens)
    published = (
        Publication.objects.filter(organisation__siren__in=sirens)
        .exclude(status=Status.DRAFT)
        .values("organisation__siren")
        .annotate(last=Max("published_at"))
    )
    last = {row["organisation__siren"]: row["last"].date() for row in published}
    adopted = _first_adoptions(sirens - set(last))
    statuses = {}
    for siren in sirens:
        if siren in last:
            due = two_years_after(last[siren])
            statuses[siren] = PublicationStatus(UP_TO_DATE if today <= due else LATE, due, last[siren])
        else:
            due = two_years_after(adopted[siren]) if siren in adopted else None
            statuses[siren] = PublicationStatus(UP_TO_DATE if due and today <= due else MISSING, due, None)
    return statuses


def _first_adoptions(sirens: set[str]) -> dict[str, date]:
    """{SIREN: the earliest adoption date of a scheme it owns or shares as an accepted partner}."""
    found: dict[str, date] = {}
    owned = Scheme.objects.filter(organisation__siren__in=sirens, adoption_date__isnull=False)
    for row in owned.values("organisation__siren").annotate(first=Min("adoption_date")):
        found[row["organisation__siren"]] = row["first"]
    shared = Scheme.objects.filter(
        Q(partnerships__organisation__siren__in=sirens) & Q(partnerships__status=PartnershipStatus.ACCEPTED),
        adoption_date__isnull=False,
    )
    for row in shared.values("partnerships__organisation__siren").annotate(first=Min("adoption_date")):
        siren = row["partnerships__organisation__siren"]
        found[siren] = min(found.get(siren, row["first"]), row["first"])
    return found


def last_publication(scheme: Scheme) -> date | None:
    """The day the scheme last published the indicators of one of its buyers (superseded ones count: they were
    published that day)."""
    moment = scheme.publications.exclude(status=Status.DRAFT).aggregate(last=Max("published_at"))["last"]
    return moment.date() if moment else None


def biennial_due(scheme: Scheme, on: date) -> str:
    """For a meeting's agenda: the biennial publication due within two months of `on`, or late; "" otherwise."""
    if scheme.adoption_date is None:
        return ""
    last = last_publication(scheme)
    due = two_years_after(last or scheme.adoption_date)
    if due > on + NOTICE:
        return ""
    since = f"la dernière du {day(last)}" if last else f"l'adoption du {day(scheme.adoption_date)}"
    late = "en retard" if due < on else "à faire"
    return (
        f"Publication biennale des indicateurs (article L2111-3) {late} : due le {day(due)}, deux ans après {since}."
    )
