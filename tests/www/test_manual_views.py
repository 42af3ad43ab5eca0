import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from spaser.organisations.models import Role
from spaser.plans.models import ManualImport, ManualIndicator
from tests.organisations.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.plans.factories import ManualIndicatorFactory, ManualValueFactory


FIXTURES = Path(__file__).parents[1] / "fixtures" / "manual"


def upload(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content if content is not None else (FIXTURES / name).read_bytes(), "text/csv")


def member(organisation, role: str):
    return MembershipFactory(
        organisation=organisation, role=role, user=UserFactory(first_name="Alex", last_name="Dupont")
    ).user


@pytest.fixture
def indicator():
    return ManualIndicatorFactory(label="Heures d'insertion réalisées")


@pytest.fixture
def stranger(indicator):
    """An administrator of another organisation."""
    return member(OrganisationFactory(), Role.ADMIN)


def url(name: str, indicator, *args) -> str:
    return reverse(f"manual:{name}", args=[indicator.pk, *args])


# Importing a file


def test_facilitator_imports_a_file_and_sees_totals_and_provenance(client, indicator):
    user = member(indicator.organisation, Role.FACILITATOR)
    client.force_login(user)

    response = client.post(url("import", indicator), {"file": upload("heures_insertion.csv")}, follow=True)

    assert response.redirect_chain == [(url("detail", indicator), 302)]
    page = response.content.decode()
    assert "Fichier « heures_insertion.csv » importé : 6\u00a0lignes" in page
    # 2023: 420 + 1 310,5 = 1 730,5 hours done, rounded half-up; 500 + 1 200 planned; 3 + 9 persons.
    assert "<td>1\u202f731\u00a0heures</td><td>1\u202f700\u00a0heures</td><td>12</td>" in re.sub(r">\s+<", "><", page)
    assert "Alex Dupont" in page
    assert ManualImport.objects.get().imported_by == user
    assert indicator.values.count() == 6


def test_error_lines_are_listed_and_nothing_is_saved(client, indicator):
    client.force_login(member(indicator.organisation, Role.FACILITATOR))

    response = client.post(url("import", indicator), {"file": upload("bad_not_a_number.csv")})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Le fichier n'a pas été importé : 3 erreurs" in page
    assert "ligne 4, colonne heures_realisees : « abc » n&#x27;est pas un nombre" in page
    assert "Aucune valeur n'a été enregistrée" in page
    assert indicator.values.count() == 0
    assert ManualImport.objects.count() == 0


def test_a_file_that_is_not_csv_is_refused(client, indicator):
    client.force_login(member(indicator.organisation, Role.EDITOR))

    response = client.post(url("import", indicator), {"file": upload("heures.xlsx", b"PK\x03\x04")})

    assert "Le fichier doit avoir l&#x27;extension .csv." in response.content.decode()
    assert ManualImport.objects.count() == 0


def test_a_file_over_5_mb_is_refused(client, indicator):
    client.force_login(member(indicator.organisation, Role.EDITOR))
    big = b"annee;identifiant_marche;heures_prevues;heures_realisees;personnes\n" + b" " * (5 * 1024 * 1024)

    response = client.post(url("import", indicator), {"file": upload("gros.csv", big)})

    assert "Le fichier dépasse 5 Mo" in response.content.decode()


def test_files_are_only_for_hour_indicators(client):
    indicator = ManualIndicatorFactory(unit="%")
    client.force_login(member(indicator.organisation, Role.ADMIN))

    response = client.post(url("import", indicator), {"file": upload("heures_insertion.csv")}, follow=True)

    assert "réservé aux indicateurs exprimés en heures" in response.content.decode()
    assert indicator.values.count() == 0


def test_template_download(client, indicator):
    client.force_login(member(indicator.organisation, Role.VIEWER))

    response = client.get(url("template", indicator))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeffannee;identifiant_marche".encode())


# Typing and deleting values


def test_a_typed_value_keeps_who_entered_it(client, indicator):
    user = member(indicator.organisation, Role.FACILITATOR)
    client.force_login(user)

    response = client.post(
        url("value_create", indicator), {"year": 2024, "contract_id": " M-12 ", "value": "12,5", "persons": 2}
    )

    assert response.status_code == 302
    value = indicator.values.get()
    assert (value.year, value.contract_id, value.value, value.planned, value.persons) == (2024, "M-12", 12.5, None, 2)
    assert value.entered_by == user
    page = client.get(url("detail", indicator)).content.decode()
    assert "Saisie le" in page
    assert "Valeur réalisée (heures)" in page


def test_a_global_value_is_refused_when_the_year_has_contract_values(client, indicator):
    ManualValueFactory(indicator=indicator, year=2024, contract_id="M-1", value=10)
    client.force_login(member(indicator.organisation, Role.FACILITATOR))

    response = client.post(url("value_create", indicator), {"year": 2024, "contract_id": "", "value": 100})

    assert "a déjà des valeurs par marché" in response.content.decode()
    assert indicator.values.count() == 1


def test_percentages_above_100_are_refused(client):
    indicator = ManualIndicatorFactory(unit="%")
    client.force_login(member(indicator.organisation, Role.FACILITATOR))

    response = client.post(url("value_create", indicator), {"year": 2024, "value": 120})

    assert "Un pourcentage est compris entre 0 et 100." in response.content.decode()
    assert indicator.values.count() == 0


def test_facilitator_deletes_a_value(client, indicator):
    value = ManualValueFactory(indicator=indicator)
    client.force_login(member(indicator.organisation, Role.FACILITATOR))

    response = client.post(url("value_delete", indicator, value.pk))

    assert response.status_code == 302
    assert indicator.values.count() == 0


def test_a_value_of_another_indicator_cannot_be_deleted_through_mine(client, indicator):
    other_value = ManualValueFactory()
    client.force_login(member(indicator.organisation, Role.ADMIN))

    response = client.post(url("value_delete", indicator, other_value.pk))

    assert response.status_code == 404
    assert other_value.indicator.values.count() == 1


def test_delete_needs_post(client, indicator):
    value = ManualValueFactory(indicator=indicator)
    client.force_login(member(indicator.organisation, Role.ADMIN))

    assert client.get(url("value_delete", indicator, value.pk)).status_code == 405


# Access rights


def test_viewer_reads_but_cannot_write(client, indicator):
    value = ManualValueFactory(indicator=indicator)
    client.force_login(member(indicator.organisation, Role.VIEWER))

    page = client.get(url("detail", indicator))
    imported = client.post(url("import", indicator), {"file": upload("heures_insertion.csv")})
    typed = client.post(url("value_create", indicator), {"year": 2024, "value": 1})
    deleted = client.post(url("value_delete", indicator, value.pk))

    assert page.status_code == 200
    assert "Importer le fichier" not in page.content.decode()
    assert (imported.status_code, typed.status_code, deleted.status_code) == (403, 403, 403)
    assert indicator.values.count() == 1


def test_member_of_another_organisation_gets_404_everywhere(client, indicator, stranger):
    value = ManualValueFactory(indicator=indicator)
    client.force_login(stranger)

    responses = [
        client.get(url("detail", indicator)),
        client.get(url("template", indicator)),
        client.post(url("import", indicator), {"file": upload("heures_insertion.csv")}),
        client.post(url("value_create", indicator), {"year": 2024, "value": 1}),
        client.post(url("value_delete", indicator, value.pk)),
    ]

    assert [response.status_code for response in responses] == [404] * 5
    assert list(indicator.values.all()) == [value]


def test_the_list_shows_only_my_organisations(client, indicator, stranger):
    mine = ManualIndicatorFactory(organisation=stranger.memberships.get().organisation, label="Mes heures")
    ManualValueFactory(indicator=mine, year=2025, value=321)
    client.force_login(stranger)

    page = client.get(reverse("manual:list")).content.decode()

    assert "Mes heures" in page
    assert "2025 : 321" in page
    assert indicator.label not in page


def test_staff_reads_any_organisation_but_cannot_write(client, indicator):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)

    assert client.get(url("detail", indicator)).status_code == 200
    assert client.post(url("value_create", indicator), {"year": 2024, "value": 1}).status_code == 403


def test_anonymous_is_sent_to_login(client, indicator):
    for response in [
        client.get(reverse("manual:list")),
        client.get(url("detail", indicator)),
        client.post(url("import", indicator), {"file": upload("heures_insertion.csv")}),
    ]:
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))
    assert indicator.values.count() == 0


def test_unknown_indicator_is_404(client, indicator):
    client.force_login(member(indicator.organisation, Role.ADMIN))

    assert client.get(reverse("manual:detail", args=[indicator.pk + 1000])).status_code == 404


# Creating indicators


def test_editor_creates_an_indicator_in_one_of_their_organisations(client):
    organisation = OrganisationFactory()
    client.force_login(member(organisation, Role.EDITOR))
    data = {
        "organisation": organisation.pk,
        "label": "Heures d'insertion",
        "code": "heures-insertion",
        "unit": "heures",
    }

    assert client.get(reverse("manual:create")).status_code == 200
    response = client.post(reverse("manual:create"), data)

    indicator = ManualIndicator.objects.get()
    assert response.url == url("detail", indicator)
    assert indicator.organisation == organisation


def test_an_indicator_cannot_be_created_for_another_organisation(client, stranger):
    other = OrganisationFactory()
    client.force_login(stranger)
    data = {"organisation": other.pk, "label": "Heures", "code": "heures", "unit": "heures"}

    response = client.post(reverse("manual:create"), data)

    assert response.status_code == 200
    assert not ManualIndicator.objects.filter(organisation=other).exists()


def test_facilitators_and_viewers_do_not_create_indicators(client):
    organisation = OrganisationFactory()
    for role in (Role.FACILITATOR, Role.VIEWER):
        client.force_login(member(organisation, role))
        assert client.get(reverse("manual:create")).status_code == 403
        assert "Nouvel indicateur" not in client.get(reverse("manual:list")).content.decode()
