"""The legal content of a scheme (article L2111-3, and the 2021 proposals): each element present, missing or not
applicable from the scheme's data, with where to fix what is missing; its page, and its summary on the scheme pages."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from lxml import html

from spaser.organisations.models import Role
from spaser.plans.legal_checklist import (
    ABSENT,
    MISSING,
    NOT_APPLICABLE,
    PRESENT,
    Biennial,
    legal_checklist,
    two_years_after,
)
from spaser.plans.models import Theme
from tests.organisations.factories import BuyerAFactory, MembershipFactory, OrganisationFactory
from tests.plans.factories import (
    AxisFactory,
    EngagementFactory,
    ManualIndicatorFactory,
    ObjectiveFactory,
    PartnershipFactory,
    PublishedSchemeFactory,
    SchemeFactory,
)


pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 6)
SOCIAL_OBJECTIVES = "Objectifs d'achats socialement responsables"
ECOLOGICAL_OBJECTIVES = "Objectifs d'achats écologiquement responsables"
ESUS = "Cible d'achats auprès des entreprises solidaires d'utilité sociale (ESUS)"
VULNERABLE = "Cible d'achats auprès des employeurs de personnes défavorisées ou vulnérables"
COUNT_OR_VALUE = "Indicateurs exprimés en nombre de contrats ou en valeur"
BIENNIAL = "Publication des indicateurs tous les deux ans"
ONLINE = "Publication en ligne du schéma"
PER_BUYER = "Indicateurs établis pour chaque acheteur (SPASER mutualisé)"


PREPARE = "/espace/spaser/1/publications/"
NEVER_PUBLISHED = Biennial(None, PREPARE)


def items(scheme, biennial=NEVER_PUBLISHED, today=TODAY) -> dict:
    checklist = legal_checklist(scheme, biennial, today)
    return {item.check.label: item for item in [*checklist.required, *checklist.proposed]}


def states(scheme, **kwargs) -> dict[str, str]:
    return {label: item.state for label, item in items(scheme, **kwargs).items()}


def engagement(scheme, theme=Theme.SOCIAL):
    return EngagementFactory(axis=AxisFactory(scheme=scheme, theme=theme))


def objectives_link(engagement, choice: str) -> str:
    return f"{reverse('plans:create_node', args=['objectifs', engagement.pk])}?indicateur={choice}"


def test_a_new_draft_misses_every_element_and_a_single_buyer_needs_no_per_buyer_indicators():
    scheme = SchemeFactory()

    assert states(scheme) == {
        SOCIAL_OBJECTIVES: MISSING,
        ECOLOGICAL_OBJECTIVES: MISSING,
        ESUS: MISSING,
        VULNERABLE: MISSING,
        COUNT_OR_VALUE: MISSING,
        BIENNIAL: MISSING,
        ONLINE: MISSING,
        PER_BUYER: NOT_APPLICABLE,
        "Cible pour les PME": ABSENT,
        "ESS dans et hors des marchés réservés": ABSENT,
        "Clauses effectivement exécutées": ABSENT,
        "Critères d'attribution autres que le prix": ABSENT,
    }
    assert legal_checklist(scheme, NEVER_PUBLISHED, TODAY).summary == "0 élément sur 7"


def test_without_an_engagement_the_link_leads_to_adding_an_axis_or_an_engagement_first():
    scheme = SchemeFactory()
    social = items(scheme)[SOCIAL_OBJECTIVES].check

    assert social.fix_url == reverse("plans:create_node", args=["axes", scheme.pk])
    assert social.fix_label == "Ajouter d'abord un axe et un engagement (S1)"

    axis = AxisFactory(scheme=scheme, theme=Theme.ENVIRONMENTAL)
    social = items(scheme)[SOCIAL_OBJECTIVES].check
    assert social.fix_url == reverse("plans:create_node", args=["engagements", axis.pk])
    assert social.fix_label == "Ajouter d'abord un engagement (S1)"


def test_social_and_ecological_objectives_need_a_target_and_link_to_the_form_in_an_engagement_of_their_theme():
    scheme = SchemeFactory()
    social, ecological = engagement(scheme), engagement(scheme, Theme.ENVIRONMENTAL)
    ObjectiveFactory(engagement=social, indicator_code="S1", title="30 % de marchés sociaux", target=30)
    ObjectiveFactory(engagement=ecological, indicator_code="E1", title="Sans cible")

    found = items(scheme)

    assert found[SOCIAL_OBJECTIVES].state == PRESENT
    assert found[SOCIAL_OBJECTIVES].check.explanation == "1 objectif chiffré : « 30 % de marchés sociaux »."
    assert found[ECOLOGICAL_OBJECTIVES].state == MISSING
    assert "Objectifs sans cible : « Sans cible »" in found[ECOLOGICAL_OBJECTIVES].check.explanation
    assert found[ECOLOGICAL_OBJECTIVES].check.fix_url == objectives_link(ecological, "catalogue:E1")
    assert found[ECOLOGICAL_OBJECTIVES].check.fix_label == "Ajouter un objectif (E1)"


def test_a_manual_indicator_counts_for_the_theme_of_its_axis_but_is_no_rate_in_count_or_value():
    scheme = SchemeFactory()
    hours = ManualIndicatorFactory(organisation=scheme.organisation)
    ObjectiveFactory(engagement=engagement(scheme), indicator_code="", manual_indicator=hours, target=5000)
    ObjectiveFactory(engagement=engagement(scheme, Theme.ENVIRONMENTAL), indicator_code="E2", target=80)

    found = items(scheme)

    assert found[SOCIAL_OBJECTIVES].state == PRESENT
    assert found[COUNT_OR_VALUE].state == MISSING
    assert found[COUNT_OR_VALUE].check.explanation.startswith(
        "Achats socialement responsables : aucun ; Achats écologiquement responsables : E2 (en valeur)."
    )
    assert "catalogue:S1" in found[COUNT_OR_VALUE].check.fix_url


def test_rates_in_count_and_in_value_for_both_categories_are_named():
    scheme = SchemeFactory()
    ObjectiveFactory(engagement=engagement(scheme), indicator_code="S1")
    ObjectiveFactory(engagement=engagement(scheme, Theme.ENVIRONMENTAL), indicator_code="E2")

    item = items(scheme)[COUNT_OR_VALUE]

    assert item.state == PRESENT
    assert item.check.explanation == (
        "Achats socialement responsables : S1 (en nombre de marchés) ; "
        "Achats écologiquement responsables : E2 (en valeur)."
    )


def test_the_esus_target_needs_the_esus_indicator_not_the_whole_social_economy():
    scheme = SchemeFactory()
    social = engagement(scheme)
    ObjectiveFactory(engagement=social, indicator_code="A1", target=5)

    assert states(scheme)[ESUS] == MISSING
    assert items(scheme)[ESUS].check.fix_url == objectives_link(social, "catalogue:A2")

    ObjectiveFactory(engagement=social, indicator_code="A2", title="2 % auprès des ESUS", target=2)
    assert items(scheme)[ESUS].state == PRESENT
    assert "« 2 % auprès des ESUS »" in items(scheme)[ESUS].check.explanation


@pytest.mark.parametrize("code", ["A3", "S3_RESERVE", "R2"])
def test_inclusive_employers_or_contracts_reserved_to_them_meet_the_vulnerable_employers_target(code):
    scheme = SchemeFactory()
    ObjectiveFactory(engagement=engagement(scheme), indicator_code=code, target=10)

    assert states(scheme)[VULNERABLE] == PRESENT


def test_the_biennial_publication_is_due_two_years_after_adoption_then_two_years_after_the_last_one():
    scheme = SchemeFactory(ready_to_publish=True, adoption_date=date(2025, 3, 28))
    prepare = "/espace/publications/preparer/"

    not_yet = items(scheme)[BIENNIAL]
    assert not_yet.state == NOT_APPLICABLE
    assert "au plus tard le 28 mars 2027" in not_yet.check.explanation

    late = items(scheme, today=date(2027, 3, 29))[BIENNIAL]
    assert late.state == MISSING
    assert late.check.explanation.startswith("Publication attendue depuis le 28 mars 2027.")
    assert (late.check.fix_url, late.check.fix_label) == (PREPARE, "Préparer la publication")

    done = items(scheme, biennial=Biennial(date(2027, 2, 1), prepare), today=date(2028, 6, 1))[BIENNIAL]
    assert done.state == PRESENT
    assert "la prochaine est attendue au plus tard le 1er février 2029" in done.check.explanation

    overdue = items(scheme, biennial=Biennial(date(2027, 2, 1), prepare), today=date(2029, 2, 2))[BIENNIAL]
    assert overdue.state == MISSING
    assert (overdue.check.fix_url, overdue.check.fix_label) == (prepare, "Préparer la publication")


def test_without_an_adoption_date_the_biennial_deadline_is_unknown():
    scheme = SchemeFactory()
    item = items(scheme)[BIENNIAL].check

    assert item.fix_url == f"{reverse('plans:edit', args=[scheme.pk])}#id_adoption_date"


def test_two_years_after_the_29th_of_february_is_the_28th():
    assert two_years_after(date(2024, 2, 29)) == date(2026, 2, 28)


def test_online_publication_follows_the_public_status():
    draft, published = SchemeFactory(), PublishedSchemeFactory()

    assert items(draft)[ONLINE].check.fix_url == reverse("plans:publish", args=[draft.pk])
    assert items(published)[ONLINE].state == PRESENT
    assert items(published)[ONLINE].check.explanation.startswith("Publié sur Spaser le ")


def test_a_scheme_declared_joint_without_partner_on_spaser_misses_the_other_buyers():
    scheme = SchemeFactory(mutualised=True, mutualised_with="Ville Exemple")
    PartnershipFactory(scheme=scheme)  # pending: not a buyer of the scheme yet

    item = items(scheme)[PER_BUYER]

    assert item.state == MISSING
    assert "Déclaré mutualisé avec Ville Exemple" in item.check.explanation
    assert item.check.fix_url == f"{scheme.get_absolute_url()}#partenaires"


def test_with_partners_the_decp_objectives_are_measured_for_each_buyer():
    owner, partner = BuyerAFactory(name="Agglomération"), OrganisationFactory(name="Ville")
    scheme = SchemeFactory(organisation=owner)
    PartnershipFactory(scheme=scheme, organisation=partner, accepted=True)
    hours = ManualIndicatorFactory(organisation=owner, label="Heures")
    social = engagement(scheme)
    ObjectiveFactory(engagement=social, indicator_code="", manual_indicator=hours, title="Heures réalisées")

    assert states(scheme)[PER_BUYER] == MISSING  # only a manual indicator: measured for its organisation alone

    ObjectiveFactory(engagement=social, indicator_code="S1")
    item = items(scheme)[PER_BUYER]
    assert item.state == PRESENT
    assert f"calculés pour chacun des 2 acheteurs ({owner}, {partner})" in item.check.explanation
    assert "propres à l'organisation qui les saisit : « Heures réalisées »" in item.check.explanation
    assert legal_checklist(scheme, NEVER_PUBLISHED, TODAY).applicable == 8


def test_the_2021_proposals_are_optional_and_each_names_what_stands_for_it():
    scheme = SchemeFactory()
    social, economic = engagement(scheme), engagement(scheme, Theme.ECONOMIC)
    ObjectiveFactory(engagement=economic, indicator_code="P1", target=50)
    ObjectiveFactory(engagement=social, indicator_code="A1", target=5)
    ObjectiveFactory(engagement=engagement(scheme, Theme.ENVIRONMENTAL), indicator_code="E3_CRITERE", target=100)

    found = items(scheme)
    assert {label: found[label].state for label in list(found)[8:]} == {
        "Cible pour les PME": PRESENT,
        "ESS dans et hors des marchés réservés": ABSENT,  # a target on reserved contracts is missing
        "Clauses effectivement exécutées": ABSENT,
        "Critères d'attribution autres que le prix": PRESENT,
    }
    assert all(not item.check.required for item in list(found.values())[8:])
    assert found["ESS dans et hors des marchés réservés"].check.fix_url == objectives_link(
        social, "catalogue:S3_RESERVE"
    )
    assert found["Clauses effectivement exécutées"].check.fix_url == reverse("manual:create")

    ObjectiveFactory(engagement=social, indicator_code="R2", target=4)
    assert states(scheme)["ESS dans et hors des marchés réservés"] == PRESENT


def test_clauses_carried_out_are_the_insertion_hours_done_with_a_target():
    scheme = SchemeFactory()
    social = engagement(scheme)
    hours = ManualIndicatorFactory(organisation=scheme.organisation, label="Heures d'insertion réalisées")

    item = items(scheme)["Clauses effectivement exécutées"].check
    assert item.fix_url == objectives_link(social, f"saisi:{hours.pk}")
    assert item.fix_label == "Ajouter un objectif (Heures d'insertion réalisées)"

    ObjectiveFactory(engagement=social, indicator_code="", manual_indicator=hours, target=2000)
    assert states(scheme)["Clauses effectivement exécutées"] == PRESENT


# The web pages


def signed_in(organisation, role) -> Client:
    client = Client()
    client.force_login(MembershipFactory(organisation=organisation, role=role).user)
    return client


def page(client, url: str):
    response = client.get(url)
    assert response.status_code == 200
    return html.fromstring(response.content)


def test_the_legal_page_shows_each_state_and_the_fix_links_to_editors_only():
    scheme = SchemeFactory()
    social = engagement(scheme)
    ObjectiveFactory(engagement=social, indicator_code="S1", target=30)
    url = reverse("plans:legal", args=[scheme.pk])

    tree = page(signed_in(scheme.organisation, Role.EDITOR), url)
    states_shown = {
        li.xpath(".//h3")[0].text_content(): li.xpath(".//p[contains(@class, 'fr-badge')]")[0].text_content()
        for li in tree.xpath("//main//ul[@class='spaser-checklist']/li")
    }
    links = {a.text_content(): a.get("href") for a in tree.xpath("//main//ul[@class='spaser-checklist']//a")}

    assert tree.xpath("//p[@class='fr-callout__title']")[0].text_content() == "1 élément sur 7"
    assert states_shown[SOCIAL_OBJECTIVES] == "Présent"
    assert states_shown[ESUS] == "Manquant"
    assert states_shown[PER_BUYER] == "Non applicable"
    assert states_shown["Cible pour les PME"] == "Absent"
    assert links["Ajouter un objectif (A2)"] == objectives_link(social, "catalogue:A2")
    assert "travailleurs handicapés ou défavorisés" in tree.text_content()

    viewer = page(signed_in(scheme.organisation, Role.VIEWER), url)
    assert viewer.xpath("//main//ul[@class='spaser-checklist']//a") == []


def test_a_fix_link_opens_the_objective_form_with_its_indicator_chosen():
    scheme = SchemeFactory()
    engagement(scheme)
    editor = signed_in(scheme.organisation, Role.EDITOR)
    link = items(scheme)[ESUS].check.fix_url

    tree = page(editor, link)

    assert tree.xpath("//input[@name='indicator'][@checked]/@value") == ["catalogue:A2"]


def test_the_scheme_page_and_the_public_page_give_the_summary(decp_store):
    scheme = PublishedSchemeFactory(organisation=BuyerAFactory(), ready_to_publish=True, status="published")
    ObjectiveFactory(engagement=engagement(scheme), indicator_code="S1", target=30)

    private = page(signed_in(scheme.organisation, Role.VIEWER), scheme.get_absolute_url())
    public = page(Client(), scheme.public_url())

    assert "Contenu légal (article L2111-3) : 2 éléments sur 7." in " ".join(private.text_content().split())
    assert private.xpath("//a[text()='Vérifier le contenu légal']/@href") == [reverse("plans:legal", args=[scheme.pk])]
    summary = public.xpath("//button[@aria-controls='contenu-legal']")[0].text_content()
    assert summary == "Contenu légal (article L2111-3) : 2 éléments sur 7"
    assert "Présent Publication en ligne du schéma" in " ".join(public.text_content().split())
