import datetime

import factory
from django.utils import timezone

from spaser.publications.models import Publication, Status
from tests.organisations.factories import BuyerAFactory
from tests.plans.factories import PublishedSchemeFactory


class PublicationFactory(factory.django.DjangoModelFactory):
    """A draft of buyer A (the hand-counted store's) for 2024-2025, on a published scheme it owns."""

    class Meta:
        model = Publication

    scheme = factory.SubFactory(
        PublishedSchemeFactory,
        organisation=factory.SubFactory(BuyerAFactory),
        adoption_date=datetime.date(2024, 3, 28),
    )
    organisation = factory.SelfAttribute("scheme.organisation")
    first_year = 2024
    last_year = factory.LazyAttribute(lambda publication: publication.first_year + 1)
    status = Status.DRAFT

    class Params:
        # Published as the app freezes it, with no figure: for pages that only need one to exist.
        published = factory.Trait(
            status=Status.PUBLISHED,
            published_at=factory.LazyFunction(timezone.now),
            siren=factory.SelfAttribute("organisation.siren"),
            buyer_name=factory.SelfAttribute("organisation.name"),
            catalogue_version="0123456789ab",
            data_version={"decp_import": 1, "decp_date": "2026-12-01", "decp": "1-1", "reference": None},
        )
