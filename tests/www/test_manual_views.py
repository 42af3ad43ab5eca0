import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from spaser.organisations.models import Role
from spaser.plans.models import ManualImport, ManualIndicator
from spaser.www.manual_views import pending
from tests.organisations.factories import BuyerAFactory, MembershipFactory, OrganisationFactory, UserFactory
from tests.plans.factories import ManualImportFactory, ManualIndicatorFactory, ManualValueFactory


FIXTURES = Path(__file__).parents[1] / "fixtures" / "manual"


def upload(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content if content is not None else (FIXTURES / name).read_bytes(), "text/csv")


def member(organisation, role: str):
    return MembershipFactory(
        organisation=organisation, role=role, user=UserFactory(first_name="Alex", last_name="Dupont")
    ).user


@pytest.fixture(autouse=True)
def no_store(settings, tmp_path):
    """Without a DECP store, contract ids are not checked (tests that check them use `decp_store`)."""
    settings.SPASER_STORE_DIR = tmp_path / "no-store"


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


def test_without_the_decp_store_the_file_is_imported_with_a_warning(client, indicator):
    client.force_login(member(indicator.organisation, Role.EDITOR))

    response = client.post(url("import", indicator), {"file": upload("heures_insertion.csv")}, follow=True)

    assert "les identifiants de marché n&#x27;ont pas été vérifiés" in response.content.decode()
    assert indicator.values.count() == 6


# Contract ids checked against the DECP store (tests/indicators/factories.py: buyer A published M1…M6)

HEADER_LINE = b"annee;identifiant_marche;heures_prevues;heures_realisees;personnes\n"


@pytest.fixture
def buyer_indicator(decp_store):
    return ManualIndicatorFactory(organisation=BuyerAFactory(), label="Heures d'insertion de la ville")


def test_known_contract_ids_are_imported_at_once(client, buyer_indicator):
    client.force_login(member(buyer_indicator.organisation, Role.EDITOR))
    content = HEADER_LINE + b"2024;M1;;10;\n2024;M3;;20;\n"

    response = client.post(url("import", buyer_indicator), {"file": upload("connus.csv", content)}, follow=True)

    assert response.redirect_chain == [(url("detail", buyer_indicator), 302)]
    assert sorted(buyer_indicator.values.values_list("contract_id", flat=True)) == ["M1", "M3"]


def test_unknown_contract_ids_are_listed_and_imported_only_on_confirmation(client, buyer_indicator):
    client.force_login(member(buyer_indicator.organisation, Role.EDITOR))
    # M7 is buyer B's contract: the id is unknown for buyer A's SIRETs.
    content = HEADER_LINE + b"2024;M1;;10;\n2024;M7;;20;\n2024;X-404;;30;\n"

    response = client.post(url("import", buyer_indicator), {"file": upload("inconnus.csv", content)})

    page = response.content.decode()
    unknown = re.search(r'id="identifiants-inconnus".*?</div>', page, re.S).group(0)
    assert "2 identifiants de marché introuvables" in unknown
    assert re.findall(r"<li>(.*?)</li>", unknown) == ["M7", "X-404"]
    assert buyer_indicator.values.count() == 0
    token = re.search(r'name="jeton" value="([^"]+)"', page).group(1)

    confirmed = client.post(url("import_confirm", buyer_indicator), {"jeton": token}, follow=True)

    assert "Fichier « inconnus.csv » importé : 3\u00a0lignes" in confirmed.content.decode()
    assert sorted(buyer_indicator.values.values_list("contract_id", flat=True)) == ["M1", "M7", "X-404"]
    again = client.post(url("import_confirm", buyer_indicator), {"jeton": token}, follow=True)
    assert "n&#x27;est plus en attente" in again.content.decode()
    assert ManualImport.objects.count() == 1


def test_a_held_file_is_not_imported_into_another_indicator_nor_by_another_session(client, buyer_indicator):
    editor = member(buyer_indicator.organisation, Role.EDITOR)
    other = ManualIndicatorFactory(organisation=buyer_indicator.organisation)
    client.force_login(editor)
    response = client.post(url("import", buyer_indicator), {"file": upload("a.csv", HEADER_LINE + b"2024;X;;1;\n")})
    token = re.search(r'name="jeton" value="([^"]+)"', response.content.decode()).group(1)

    client.post(url("import_confirm", other), {"jeton": token})
    client.logout()
    client.force_login(editor)
    client.post(url("import_confirm", buyer_indicator), {"jeton": token})

    assert ManualImport.objects.count() == 0


@pytest.mark.parametrize(("kept", "files_left"), [(pending.KEPT, 2), (timedelta(0), 1)])
def test_held_files_never_confirmed_are_removed_once_kept_long_enough(
    client, buyer_indicator, monkeypatch, settings, kept, files_left
):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    monkeypatch.setattr(pending, "KEPT", kept)
    client.force_login(member(buyer_indicator.organisation, Role.EDITOR))

    for name in ("a.csv", "b.csv"):
        client.post(url("import", buyer_indicator), {"file": upload(name, HEADER_LINE + b"2024;X;;1;\n")})

    assert len(default_storage.listdir(pending.FOLDER)[1]) == files_left


def test_a_blank_contract_id_imports_the_global_value_of_the_year(client, buyer_indicator):
    client.force_login(member(buyer_indicator.organisation, Role.EDITOR))

    client.post(url("import", buyer_indicator), {"file": upload("global.csv", HEADER_LINE + b"2024;;;1500;12\n")})

    assert list(buyer_indicator.values.values_list("year", "contract_id", "value")) == [(2024, "", 1500)]


# Undoing an import


def test_the_undo_modal_counts_the_values_the_import_still_gives(client, indicator):
    source = ManualImportFactory(indicator=indicator, filename="heures-2024.csv", values=3)
    ManualValueFactory(indicator=indicator, contract_id="typed")
    client.force_login(member(indicator.organisation, Role.FACILITATOR))

    page = client.get(url("detail", indicator)).content.decode()

    modal = re.search(rf'<dialog id="annuler-import-{source.pk}".*?</dialog>', page, re.S).group(0)
    assert 'class="fr-modal"' in modal and f'aria-controls="annuler-import-{source.pk}"' in page
    assert "Annuler l'import de « heures-2024.csv » ?" in modal
    assert "<strong>3 valeurs</strong>" in modal
    assert "Annuler l'import et supprimer 3 valeurs" in modal


def test_undoing_an_import_removes_it_and_its_values_only(client, indicator):
    source = ManualImportFactory(indicator=indicator, values=3)
    kept = ManualImportFactory(indicator=indicator, values=1)
    typed = ManualValueFactory(indicator=indicator, year=2025, contract_id="typed")
    client.force_login(member(indicator.organisation, Role.EDITOR))

    response = client.post(url("import_undo", indicator, source.pk), follow=True)

    assert "Import du fichier « heures.csv » annulé : 3\u00a0valeurs supprimées." in response.content.decode()
    assert list(ManualImport.objects.all()) == [kept]
    assert set(indicator.values.values_list("pk", flat=True)) == {kept.values.get().pk, typed.pk}


def test_an_import_of_another_indicator_cannot_be_undone_from_this_one(client, indicator):
    source = ManualImportFactory(values=2)
    client.force_login(member(indicator.organisation, Role.ADMIN))

    response = client.post(url("import_undo", indicator, source.pk))

    assert response.status_code == 404
    assert source.values.count() == 2


# Long imports


def test_the_import_forms_announce_long_imports_with_a_static_script(client, buyer_indicator):
    client.force_login(member(buyer_indicator.organisation, Role.EDITOR))
    detail = client.get(url("detail", buyer_indicator)).content.decode()
    confirm = client.post(url("import", buyer_indicator), {"file": upload("a.csv", HEADER_LINE + b"2024;X;;1;\n")})

    for page in (detail, confirm.content.decode()):
        assert 'data-spaser-progress-from="5000"' in page
        assert "data-spaser-progress hidden" in page
        assert re.search(r'<script src="[^"]*spaser/import\.js" defer>', page)
    assert 'data-spaser-lines="1"' in confirm.content.decode()


def test_error_lines_are_listed_and_nothing_is_saved(client, indicator):
    client.force_login(member(indicator.organisation, Role.FACILITATOR))

    response = client.post(url("import", indicator), {"file": upload("bad_not_a_number.csv")})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Le fichier n'a pas été importé : 3 erreurs" in page
    assert "Ligne 4, colonne « heures_realisees » : « abc » n&#x27;est pas un nombre" in page
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
