"""Tagging contracts to engagements from the pages: drill-down control, tag form, engagement list, dashboard block,
CSV import; against the hand-counted store (M1 100 000 €, M2 50 000 €, M3 200 000 € are buyer A's)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from spaser.organisations.models import Role
from spaser.plans import contract_tags
from spaser.plans.models import ContractTag
from tests.indicators.factories import A1
from tests.organisations.factories import BuyerAFactory, MembershipFactory
from tests.plans.factories import ObjectiveFactory, SchemeFactory


pytestmark = pytest.mark.django_db


@pytest.fixture
def objective(decp_store):
    scheme = SchemeFactory(organisation=BuyerAFactory(), start_year=2024, end_year=2026)
    return ObjectiveFactory(
        engagement__axis__scheme=scheme, engagement__title="Développer les clauses sociales", indicator_code="S1"
    )


def login(client, objective, role):
    client.force_login(MembershipFactory(organisation=objective.engagement.axis.scheme.organisation, role=role).user)
    return objective.engagement.axis.scheme


def test_an_editor_tags_a_drill_down_row_and_sees_it_on_the_engagement_and_the_dashboard(client, objective):
    scheme = login(client, objective, Role.EDITOR)
    drill_down = client.get(reverse("plans:contracts", args=[scheme.pk, objective.pk, 2024])).content.decode()
    tag_url = reverse("plans:tag_contract", args=[scheme.pk]) + "?id=M1"
    assert f'href="{tag_url}"' in drill_down

    form = client.get(tag_url).content.decode()
    assert "M1 — Marché 1" in form
    (contract,) = contract_tags.candidates(scheme, "M1")
    response = client.post(
        tag_url, {"contract": contract.uid, "engagement": objective.engagement.pk, "note": "clause"}
    )

    listing = reverse("plans:engagement_contracts", args=[scheme.pk, objective.engagement.pk])
    assert response.url == listing
    page = client.get(listing).content.decode()
    assert "données DECP actuelles : 1," in page and "100\u202f000\u00a0€" in page and "T1" in page
    dashboard = client.get(reverse("plans:dashboard", args=[scheme.pk])).content.decode()
    assert f'<a href="{listing}">Développer les clauses sociales</a>' in dashboard


def test_the_dashboard_totals_and_flags_a_contract_gone_from_the_store(client, objective):
    scheme = login(client, objective, Role.VIEWER)
    for contract_id in ("M2", "M3"):
        (contract,) = contract_tags.candidates(scheme, contract_id)
        contract_tags.tag(objective.engagement, contract.uid, None)
    ContractTag.objects.create(
        engagement=objective.engagement, uid=f"marche|{A1}|M404", contract_id="M404", buyer_siret=A1
    )

    dashboard = client.get(reverse("plans:dashboard", args=[scheme.pk])).content.decode()
    listing = client.get(reverse("plans:engagement_contracts", args=[scheme.pk, objective.engagement.pk]))

    assert "250\u202f000\u00a0€" in dashboard and "1 introuvable" in dashboard
    assert "Introuvable dans les données actuelles" in listing.content.decode()
    assert "Rattacher à un engagement" not in dashboard and "Retirer" not in listing.content.decode()  # a reader


def test_a_reader_sees_no_tag_control_on_the_drill_down(client, objective):
    scheme = login(client, objective, Role.FACILITATOR)

    page = client.get(reverse("plans:contracts", args=[scheme.pk, objective.pk, 2024])).content.decode()

    assert "Rattacher à un engagement" not in page


def test_another_buyers_id_offers_nothing_to_tag(client, objective):
    scheme = login(client, objective, Role.ADMIN)

    page = client.get(reverse("plans:tag_contract", args=[scheme.pk]), {"id": "M7"}).content.decode()

    assert "Aucun marché « M7 » publié par les acheteurs de ce SPASER" in page
    assert "<form" not in page.split("<main", 1)[1].split("</main>")[0]


def test_an_editor_untags_a_contract(client, objective):
    scheme = login(client, objective, Role.EDITOR)
    (contract,) = contract_tags.candidates(scheme, "M1")
    tag = contract_tags.tag(objective.engagement, contract.uid, None)
    untag = reverse("plans:untag_contract", args=[scheme.pk, objective.engagement.pk, tag.pk])
    page = client.get(
        reverse("plans:engagement_contracts", args=[scheme.pk, objective.engagement.pk])
    ).content.decode()

    client.post(untag)

    dialog = page.split(f'id="retirer-{tag.pk}"')[1].split("</dialog>")[0]
    assert f'action="{untag}"' in dialog and "Retirer le marché « M1 » de l&#x27;engagement ?" in dialog
    assert not ContractTag.objects.exists()


def test_a_wrong_file_lists_its_errors_and_a_right_one_tags(client, objective):
    scheme = login(client, objective, Role.ADMIN)
    url = reverse("plans:import_tags", args=[scheme.pk])
    header = "engagement;identifiant_marche;note\n"

    wrong = SimpleUploadedFile("marches.csv", (header + "Développer les clauses sociales;M7;\n").encode())
    page = client.post(url, {"file": wrong}).content.decode()
    right = SimpleUploadedFile("marches.csv", (header + "Développer les clauses sociales;M1;\n").encode())
    response = client.post(url, {"file": right})

    assert "Ligne 2, colonne « identifiant_marche » : le marché « M7 » a été publié par un autre acheteur" in page
    assert response.url.endswith("#marches-rattaches")
    assert list(ContractTag.objects.values_list("contract_id", flat=True)) == ["M1"]


def test_the_template_is_a_french_csv_of_the_engagements(client, objective):
    scheme = login(client, objective, Role.EDITOR)

    response = client.get(reverse("plans:tags_template", args=[scheme.pk]))

    assert response["Content-Disposition"] == 'attachment; filename="modele-marches-engagements.csv"'
    assert "Développer les clauses sociales;2024-0042;" in response.content.decode("utf-8-sig")
