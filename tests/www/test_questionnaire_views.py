"""The per-purchase questionnaire through the web: facilitators answer, readers read, a contract of another buyer is
refused on its field, the platform indicators on the dashboard and in the report."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from lxml import html

from spaser.governance import questionnaires
from spaser.governance.models import Answer, Lever, PurchaseProject
from spaser.organisations.models import Role
from tests.governance.factories import PurchaseProjectFactory, answer
from tests.indicators.factories import A1, B1
from tests.organisations.factories import BuyerAFactory, MembershipFactory
from tests.plans.factories import PublishedSchemeFactory


@pytest.fixture
def scheme(decp_store):
    return PublishedSchemeFactory(organisation=BuyerAFactory(), start_year=2024, end_year=2026)


def sign_in(client, scheme, role):
    client.force_login(MembershipFactory(organisation=scheme.organisation, role=role).user)


def page(response) -> str:
    """The page's text, blanks collapsed."""
    assert response.status_code == 200
    return " ".join(html.fromstring(response.content).text_content().split())


def test_a_facilitator_questions_a_purchase_and_the_answers_are_kept(client, scheme):
    sign_in(client, scheme, Role.FACILITATOR)
    questions = list(questionnaires.questions(scheme))
    data = {"title": "Nettoyage des écoles", "estimated_amount": "120 000,50", "consultation_date": "2027-03-01",
            "buyer": "Direction des bâtiments", "status": "en-preparation"}  # fmt: skip
    data |= {f"question_{question.pk}": Answer.YES for question in questions}

    response = client.post(reverse("governance:project_create", args=[scheme.pk]), data)

    project = PurchaseProject.objects.get(scheme=scheme)
    assert response.status_code == 302 and response.url.endswith(f"#projet-{project.pk}")
    assert project.estimated_amount == 120000.5 and project.questioned_on == timezone.localdate()
    assert project.answers.filter(answer=Answer.YES).count() == 6
    listing = page(client.get(reverse("governance:questionnaires", args=[scheme.pk])))
    assert "Nettoyage des écoles" in listing and "120 001 € HT" in listing
    assert "questionné le" in listing and "Nouveau questionnaire" in listing
    assert "Ajouter une question" not in listing  # the questions are the editors'


def test_a_reader_reads_the_questionnaires_without_the_buttons(client, scheme):
    project = PurchaseProjectFactory(scheme=scheme)
    answer(project, {Lever.SOCIAL_CLAUSE: Answer.NO})
    sign_in(client, scheme, Role.VIEWER)

    listing = page(client.get(reverse("governance:questionnaires", args=[scheme.pk])))

    assert "Une clause sociale (insertion, égalité) est-elle possible ? Non" in listing
    assert "questionnaire incomplet" in listing
    assert "Nouveau questionnaire" not in listing and "Répondre ou modifier" not in listing


def test_the_link_page_proposes_the_organisations_marches_since_the_questionnaire(client, scheme):
    project = PurchaseProjectFactory(scheme=scheme, questioned_on=datetime.date(2025, 1, 1))
    sign_in(client, scheme, Role.FACILITATOR)

    proposed = page(client.get(reverse("governance:project_contract", args=[scheme.pk, project.pk])))

    rows = proposed.split("Marchés proposés pour")[1].split("Ou saisissez")[0]
    assert "M6 Marché 6 1er mars 2025 80 000 €" in rows
    assert "M1 " not in rows  # notified before the questionnaire


def test_a_contract_of_another_buyer_gets_a_french_error_on_the_field(client, scheme):
    project = PurchaseProjectFactory(scheme=scheme)
    sign_in(client, scheme, Role.FACILITATOR)

    response = client.post(reverse("governance:project_contract", args=[scheme.pk, project.pk]), {"contract": "M7"})

    assert f"Le marché « M7 » a été publié par un autre acheteur (SIRET {B1})" in page(response)
    assert response.context["form"].error_summary() == [
        ("id_contract", "Identifiant du marché dans les DECP", response.context["form"].errors["contract"][0])
    ]
    project.refresh_from_db()
    assert project.contract_uid == ""


def test_a_proposed_marche_is_linked_by_its_uid_and_unlinked(client, scheme):
    project = PurchaseProjectFactory(scheme=scheme)
    sign_in(client, scheme, Role.FACILITATOR)
    url = reverse("governance:project_contract", args=[scheme.pk, project.pk])

    assert client.post(url, {"contract": f"marche|{A1}|M1"}).status_code == 302
    project.refresh_from_db()
    assert (project.contract_uid, project.contract_label) == (f"marche|{A1}|M1", "M1 — Marché 1")

    client.post(reverse("governance:project_unlink", args=[scheme.pk, project.pk]))
    project.refresh_from_db()
    assert project.contract_uid == project.contract_label == ""


def test_editors_add_a_question_the_next_in_order(client, scheme):
    sign_in(client, scheme, Role.EDITOR)
    questionnaires.questions(scheme)
    response = client.post(
        reverse("governance:question_create", args=[scheme.pk]),
        {"text": "Le marché peut-il prévoir le réemploi ?", "lever": Lever.OTHER, "position": "7"},
    )
    assert response.status_code == 302
    assert scheme.purchase_questions.last().text == "Le marché peut-il prévoir le réemploi ?"


def test_the_dashboard_and_the_report_show_the_platform_indicators(client, scheme):
    sign_in(client, scheme, Role.VIEWER)
    dashboard = page(client.get(reverse("plans:dashboard", args=[scheme.pk])))
    assert "Questionnement des achats" in dashboard
    assert (
        "Part des consultations questionnées avant leur lancement : données insuffisantes : aucun projet d'achat "
        "dont la date de consultation est passée" in dashboard
    )

    project = PurchaseProjectFactory(
        scheme=scheme, consultation_date=datetime.date(2025, 2, 1), questioned_on=datetime.date(2025, 1, 5)
    )
    answer(project, {Lever.SOCIAL_CLAUSE: Answer.YES})
    report = page(client.get(reverse("plans:report", args=[scheme.pk, 2025])))
    assert (
        "Questionnaires d'achat, consultations de 2025 — part des consultations questionnées avant leur "
        "lancement : 1 sur 1 (100,0 %)." in report
    )


def test_a_linked_marche_the_store_no_longer_has_is_flagged(client, scheme):
    PurchaseProjectFactory(scheme=scheme, contract_uid=f"marche|{A1}|M1", contract_label="M1 — Marché 1")
    PurchaseProjectFactory(scheme=scheme, contract_uid=f"marche|{A1}|M0", contract_label="M0 — Marché retiré")
    sign_in(client, scheme, Role.VIEWER)

    listing = page(client.get(reverse("governance:questionnaires", args=[scheme.pk])))

    assert "M0 — Marché retiré absent des DECP actuelles" in listing
    assert "M1 — Marché 1 absent" not in listing


def test_a_questioning_date_needs_every_answer_and_may_be_set_back_to_before_its_entry(client, scheme):
    project = PurchaseProjectFactory(scheme=scheme)
    sign_in(client, scheme, Role.FACILITATOR)
    questions = list(questionnaires.questions(scheme))
    url = reverse("governance:project_edit", args=[scheme.pk, project.pk])
    data = {"title": project.title, "status": "en-preparation", "questioned_on": "2025-01-10"}

    response = client.post(url, data | {f"question_{questions[0].pk}": Answer.YES})
    assert "Un questionnaire incomplet n'a pas de date de questionnement" in page(response)

    client.post(url, data | {f"question_{question.pk}": Answer.NO for question in questions})
    project.refresh_from_db()
    assert project.questioned_on == datetime.date(2025, 1, 10)
