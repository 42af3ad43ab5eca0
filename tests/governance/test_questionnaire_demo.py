import datetime

from django.core.management import call_command

from spaser.governance.models import ProjectStatus, PurchaseProject
from spaser.governance.questionnaire_demo import load_questionnaire_demo
from spaser.plans.models import Status
from tests.governance.factories import PurchaseProjectFactory
from tests.indicators.factories import A1, SIREN_A
from tests.organisations.factories import OrganisationFactory
from tests.plans.factories import SchemeFactory


TODAY = datetime.date(2026, 12, 6)


def demo_scheme():
    organisation = OrganisationFactory(siren=SIREN_A, fictitious=True)
    return SchemeFactory(organisation=organisation, status=Status.PUBLISHED, adoption_date=datetime.date(2024, 3, 28))


def test_the_demo_questionnaires_are_linked_to_the_stores_marches_and_reload_without_duplicates(decp_store):
    scheme = demo_scheme()
    own = PurchaseProjectFactory(scheme=scheme, title="Questionnaire saisi par un visiteur de la démo")

    load_questionnaire_demo([scheme], decp_store, TODAY)
    load_questionnaire_demo([scheme], decp_store, TODAY)

    projects = PurchaseProject.objects.exclude(pk=own.pk).order_by("pk")
    # M5 is the last of the buyer's marchés with a social and an environmental consideration, M2 the last without
    # a social one (tests/indicators/factories.py).
    assert [(p.title, p.contract_uid, p.status) for p in projects] == [
        ("Marché 5", f"marche|{A1}|M5", ProjectStatus.AWARDED),
        ("Marché 2", f"marche|{A1}|M2", ProjectStatus.AWARDED),
        ("Entretien des espaces verts des écoles", "", ProjectStatus.LAUNCHED),
        ("Fournitures de bureau en papier recyclé", "", ProjectStatus.PREPARING),
    ]
    assert [p.questioned_on for p in projects[:2]] == [datetime.date(2023, 11, 2)] * 2  # 120 days before 1 March
    assert [p.answers.count() for p in projects] == [6, 6, 0, 3]
    assert PurchaseProject.objects.filter(pk=own.pk).exists()  # the visitors' questionnaires stay


def test_the_command_loads_the_demo_questionnaires(decp_store, capsys):
    demo_scheme()
    call_command("load_demo_questionnaires")
    assert "Questionnaires d'achat de démonstration : 4 achats, dont 2 liés à un marché, 1 SPASER." in (
        capsys.readouterr().out
    )
