import factory

from spaser.organisations.models import Establishment, Membership, Organisation, Role
from tests.indicators.factories import A1, A2, SIREN_A


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "auth.User"
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"agent{n}@collectivite.example")
    username = factory.SelfAttribute("email")
    password = factory.django.Password("mot-de-passe-de-test")
    first_name = "Camille"
    last_name = "Martin"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    siren = factory.Sequence(lambda n: f"{219000000 + n:09d}")
    name = factory.Sequence(lambda n: f"Commune fictive {n}")
    buyer_type = "Commune"
    fictitious = True


class BuyerAFactory(OrganisationFactory):
    """The buyer of the hand-counted DECP fixture, with its two SIRETs."""

    class Meta:
        model = Organisation
        django_get_or_create = ("siren",)
        skip_postgeneration_save = True

    siren = SIREN_A
    name = "Ville de Lyon fictive"
    sirets = factory.RelatedFactoryList(
        "tests.organisations.factories.EstablishmentFactory", "organisation", size=2, siret=factory.Iterator([A1, A2])
    )


class EstablishmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Establishment

    organisation = factory.SubFactory(OrganisationFactory)
    siret = factory.LazyAttribute(lambda o: f"{o.organisation.siren}{len(o.organisation.siren):05d}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.ADMIN
