"""The objective form: the indicator is chosen from the catalogue grouped by theme (never preselected), with its
definition and unit; the baseline and the targets carry that unit; each error sits on the field it is about."""

import html
import re

import pytest
from django.urls import reverse

from spaser.indicators.catalogue import BY_CODE, CATALOGUE, THEMES
from spaser.organisations.models import Role
from spaser.plans.models import Objective
from tests.organisations.factories import BuyerAFactory, MembershipFactory
from tests.plans.factories import (
    EngagementFactory,
    ManualIndicatorFactory,
    ObjectiveFactory,
    SchemeFactory,
    TargetFactory,
)


@pytest.fixture
def scheme(client):
    membership = MembershipFactory(organisation=BuyerAFactory(), role=Role.EDITOR)
    client.force_login(membership.user)
    return SchemeFactory(organisation=membership.organisation, start_year=2024, end_year=2026)


@pytest.fixture
def url(scheme):
    return reverse("plans:create_node", args=["objectifs", EngagementFactory(axis__scheme=scheme).pk])


def text(response) -> str:
    return html.unescape(response.content.decode())


def post(client, url, **changes):
    form = {"title": "O", "indicator": "catalogue:S1", "baseline_year": 2024, "baseline_value": 20,
            "deadline_year": 2026, "target_2026": 30} | changes  # fmt: skip
    return client.post(url, {name: value for name, value in form.items() if value is not None})


def radios(body: str) -> list[str]:
    return re.findall(r'<input type="radio"[^>]*>', body)


def hints(body: str, name: str) -> list[str]:
    """The hint of the field `name` (every field whose name starts so)."""
    return re.findall(rf'<span class="fr-hint-text" id="id_{name}\w*_helptext">(.*?)</span>', body)


def test_every_catalogue_indicator_is_offered_by_theme_with_its_definition_and_unit_and_none_is_chosen(client, url):
    body = text(client.get(url))

    assert [re.search(r'value="([^"]+)"', radio).group(1) for radio in radios(body)] == [
        f"catalogue:{code}" for theme in THEMES for code in theme.codes
    ]
    assert not any(" checked" in radio for radio in radios(body))
    for indicator in CATALOGUE:
        unit = "% (de 0 à 100)" if indicator.unit == "%" else indicator.unit
        assert f"{indicator.label}\n" in body
        assert f"{indicator.definition} Unité : {unit}." in body
    assert all(f">{theme.label}</legend>" in body for theme in THEMES)
    assert f'href="{reverse("public:indicators")}"' in body
    assert set(hints(body, "target")) == set(hints(body, "baseline_value")) == {"Dans l'unité de l'indicateur choisi."}


def test_no_choice_is_refused_with_a_french_message(client, url):
    response = post(client, url, indicator=None)

    assert response.context["form"].errors["indicator"] == ["Choisissez l'indicateur que cet objectif suit."]
    assert "Choisissez l'indicateur que cet objectif suit." in text(response)
    assert not Objective.objects.exists()


@pytest.mark.parametrize("code, hint", [("S1", "En % (de 0 à 100)."), ("P3", "En offres."), ("R2", "En marchés.")])
def test_the_baseline_and_the_targets_carry_the_unit_of_the_chosen_indicator(client, scheme, code, hint):
    objective = ObjectiveFactory(engagement__axis__scheme=scheme, indicator_code=code)
    TargetFactory(objective=objective, year=2026, value=3)

    body = text(client.get(reverse("plans:edit_node", args=["objectifs", objective.pk])))

    assert hints(body, "target") == [hint] * 3 and hints(body, "baseline_value") == [hint]
    assert [radio for radio in radios(body) if " checked" in radio] == [
        next(radio for radio in radios(body) if f'value="catalogue:{code}"' in radio)
    ]
    assert BY_CODE[code].unit in hint


@pytest.mark.parametrize("unit, hint", [("heures", "En heures."), ("euros", "En €."), ("nombre", "Un nombre.")])
def test_a_manual_indicator_gives_its_own_unit(client, scheme, url, unit, hint):
    indicator = ManualIndicatorFactory(organisation=scheme.organisation, unit=unit, definition="Heures réalisées.")

    response = post(client, url, indicator=f"saisi:{indicator.pk}", target_2026=None)

    body = text(response)
    assert hints(body, "target") == [hint] * 3
    assert f"Heures réalisées. Saisi par {scheme.organisation}. Unité : {unit}." in body


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"baseline_value": "-5"}, "baseline_value", "-5 n'est pas un pourcentage entre 0 et 100."),
        ({"indicator": "catalogue:P3", "baseline_value": "-5,5"}, "baseline_value",
         "-5,5 est négatif : indiquez un nombre positif ou nul."),
        ({"indicator": None, "baseline_value": "-2"}, "baseline_value",
         "-2 est négatif : indiquez un nombre positif ou nul."),
        ({"baseline_value": "vingt"}, "baseline_value", "Saisissez un nombre."),
        ({"baseline_year": 2001}, "baseline_year", "L'année de référence (2001) doit être comprise entre 2014"),
        ({"baseline_value": None}, "baseline_value", "Indiquez la valeur de référence de 2024, ou effacez l'année."),
        ({"baseline_year": None}, "baseline_year",
         "Indiquez l'année de la valeur de référence, ou effacez la valeur."),
        ({"target_2025": "-1"}, "target_2025", "-1 n'est pas un pourcentage entre 0 et 100."),
    ],
)  # fmt: skip
def test_each_error_says_what_is_wrong_with_the_field_touched_and_only_there(client, url, changes, field, message):
    errors = post(client, url, **changes).context["form"].errors

    assert errors[field][0].startswith(message) and len(errors[field]) == 1
    assert set(errors) - {"indicator"} == {field}  # the other field of the baseline is left alone
    assert not Objective.objects.exists()


def test_values_are_typed_the_french_way(client, scheme, url):
    euros = ManualIndicatorFactory(organisation=scheme.organisation, unit="euros")

    response = post(
        client,
        url,
        indicator=f"saisi:{euros.pk}",
        baseline_value="12,5",
        target_2025="1 000",
        target_2026="2\u202f500,5",
    )

    assert response.status_code == 302
    objective = Objective.objects.get()
    assert objective.baseline_value == 12.5
    assert list(objective.targets.values_list("year", "value")) == [(2025, 1000), (2026, 2500.5)]


def test_an_objective_is_edited_with_its_values_shown_as_typed(client, scheme):
    objective = ObjectiveFactory(engagement__axis__scheme=scheme, indicator_code="S1", baseline_value=12.5)
    TargetFactory(objective=objective, year=2026, value=30)

    body = text(client.get(reverse("plans:edit_node", args=["objectifs", objective.pk])))

    assert 'name="baseline_value" value="12,5"' in body and 'name="target_2026" value="30"' in body


def test_a_refused_form_keeps_the_choice_and_its_unit(client, url):
    body = text(post(client, url, indicator="catalogue:P3", target_2026=None))

    assert [radio for radio in radios(body) if " checked" in radio] == [
        next(radio for radio in radios(body) if 'value="catalogue:P3"' in radio)
    ]
    assert hints(body, "target") == ["En offres."] * 3
    assert "Fixez au moins une cible annuelle à l'objectif." in body
