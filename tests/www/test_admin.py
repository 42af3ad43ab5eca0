"""The back office opens every registered model for the platform team, and never shows invitation tokens."""

import pytest
from django.contrib import admin
from django.urls import reverse

from spaser.organisations.models import Invitation
from spaser.plans.models import ManualImport
from tests.organisations.factories import MembershipFactory, UserFactory
from tests.plans.factories import (
    ActionFactory,
    ManualIndicatorFactory,
    ManualValueFactory,
    PartnershipFactory,
    SchemeFactory,
    TargetFactory,
)


@pytest.fixture
def staff(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda model: model._meta.label)
def test_every_registered_model_lists_and_opens(client, staff, model):
    MembershipFactory()
    TargetFactory()
    ActionFactory()
    PartnershipFactory()
    ManualValueFactory(
        source=ManualImport.objects.create(indicator=ManualIndicatorFactory(), filename="h.csv", rows=1)
    )
    Invitation.objects.create(organisation=SchemeFactory().organisation, email="a@collectivite.example")
    meta = model._meta
    changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
    assert client.get(changelist).status_code == 200
    assert client.get(changelist, {"q": "219"}).status_code == 200
    instance = model.objects.first()
    if instance is not None:
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[instance.pk])
        assert client.get(url).status_code == 200


def test_invitation_tokens_stay_out_of_the_back_office(client, staff):
    invitation = Invitation.objects.create(organisation=SchemeFactory().organisation, email="a@collectivite.example")

    page = client.get(reverse("admin:organisations_invitation_change", args=[invitation.pk])).content.decode()

    assert "a@collectivite.example" in page
    assert invitation.token not in page


def test_schemes_are_read_only_in_the_back_office(client, staff):
    scheme = SchemeFactory()

    page = client.get(reverse("admin:plans_scheme_change", args=[scheme.pk])).content.decode()

    assert scheme.title in page
    assert 'name="_save"' not in page


def test_schemes_are_found_by_their_organisations_siren(client, staff):
    wanted, other = SchemeFactory(title="SPASER cherché"), SchemeFactory(title="SPASER voisin")

    page = client.get(reverse("admin:plans_scheme_changelist"), {"q": wanted.organisation.siren}).content.decode()

    assert wanted.title in page and other.title not in page


def test_staff_read_who_changed_an_action_in_the_back_office(client, staff):
    action = ActionFactory(title="Former les acheteurs")
    action.title = "Former les acheteurs et les prescripteurs"
    action._history_user = UserFactory(email="redacteur@collectivite.example")
    action.save()

    page = client.get(reverse("admin:plans_action_history", args=[action.pk])).content.decode()

    assert "redacteur@collectivite.example" in page and "Former les acheteurs et les prescripteurs" in page
