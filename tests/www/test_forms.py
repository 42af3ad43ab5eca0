"""Every form in the DSFR markup: groups of checkboxes, file upload, and an error summary at the top of a form
with errors, the page title then starting with « Erreur : »."""

from django import forms
from django.urls import reverse
from lxml import html

from spaser.www.forms import DsfrForm
from spaser.www.plans_views.forms import ContractTagsUploadForm
from tests.organisations.factories import MembershipFactory, UserFactory


class ExampleForm(DsfrForm):
    name = forms.CharField(label="Nom")
    colours = forms.MultipleChoiceField(
        label="Couleurs", choices=[("bleu", "Bleu"), ("rouge", "Rouge")], widget=forms.CheckboxSelectMultiple
    )
    file = forms.FileField(label="Fichier CSV")

    def clean(self):
        raise forms.ValidationError("Le formulaire entier est refusé.")


def test_checkboxes_of_a_group_are_dsfr_checkboxes_without_stray_attribute():
    tree = html.fromstring(str(ExampleForm()))

    boxes = tree.xpath("//fieldset//input[@type='checkbox']")
    assert [box.getparent().get("class") for box in boxes] == ["fr-checkbox-group", "fr-checkbox-group"]
    assert [box.getnext().get("for") for box in boxes] == ["id_colours_0", "id_colours_1"]
    assert tree.xpath("//*[@dsfr]") == []


def test_a_file_field_is_a_dsfr_upload_group():
    tree = html.fromstring(str(ExampleForm()))

    (upload,) = tree.xpath("//input[@type='file']")
    assert upload.get("class") == "fr-upload"
    assert upload.getparent().get("class") == "fr-upload-group"


def test_a_form_with_errors_starts_with_a_summary_linking_each_field():
    tree = html.fromstring(str(ExampleForm(data={})))

    summary = tree.xpath("//div[contains(@class, 'fr-alert--error')]")[0]
    assert summary.findtext("h2") == "Le formulaire contient 4 erreurs"
    links = {link.get("href"): link.text for link in summary.xpath(".//a")}
    assert links == {"#id_name": "Nom", "#id_colours_0": "Couleurs", "#id_file": "Fichier CSV"}
    assert "Le formulaire entier est refusé." in summary.text_content()
    for anchor in links:
        assert tree.xpath(f"//*[@id='{anchor[1:]}']"), anchor


def test_a_valid_or_unbound_form_has_no_summary():
    assert "fr-alert--error" not in str(ExampleForm())


def test_the_title_of_a_page_whose_form_has_errors_starts_with_erreur(client):
    user = UserFactory()
    MembershipFactory(user=user)
    client.force_login(user)

    response = client.post(reverse("plans:create"), {"title": ""})
    tree = html.fromstring(response.content)

    assert tree.findtext(".//title") == "Erreur : Nouveau SPASER — Spaser"
    assert tree.xpath("//main//div[contains(@class, 'fr-alert--error')]/h2")


def test_the_login_page_title_says_erreur_after_a_failed_login(client):
    response = client.post(reverse("accounts:login"), {"username": "personne@example.fr", "password": "faux"})

    assert html.fromstring(response.content).findtext(".//title") == "Erreur : Connexion — Spaser"


def test_field_errors_are_dsfr_error_texts_not_a_bulleted_list():
    tree = html.fromstring(str(ExampleForm(data={})))

    (message,) = tree.xpath("//*[@id='id_name-desc-error']//p")
    assert message.get("class") == "fr-error-text"
    assert tree.xpath("//*[@id='id_name-desc-error']//li") == []


def test_a_csv_upload_shows_its_own_label_not_djangos_default():
    (label,) = html.fromstring(str(ContractTagsUploadForm())).xpath("//label[@for='id_file']")

    assert label.text.strip() == "Fichier CSV des marchés à rattacher"
