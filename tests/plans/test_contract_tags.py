"""Contracts tagged to engagements, against the hand-counted store (tests/indicators/factories.py): M1 (100 000 €),
M2 (50 000 €) and M3 (200 000 €) are buyer A's; M7 is buyer B's."""

import datetime

import orjson
import pytest

from spaser.decp.importer import import_files
from spaser.plans import contract_tags, history
from spaser.plans.contract_tags import TagError
from spaser.plans.models import ContractTag
from tests.indicators.factories import A1, A2, B1, CONCESSION, MARCHES, build_store
from tests.organisations.factories import BuyerAFactory, UserFactory
from tests.plans.factories import EngagementFactory, SchemeFactory


pytestmark = pytest.mark.django_db


@pytest.fixture
def scheme(decp_store):
    return SchemeFactory(organisation=BuyerAFactory())


@pytest.fixture
def engagement(scheme):
    return EngagementFactory(axis__scheme=scheme, title="Développer les clauses sociales")


def uid_of(contract_id: str, scheme) -> str:
    (contract,) = contract_tags.candidates(scheme, contract_id)
    return contract.uid


def test_a_tag_keeps_the_contracts_identity_and_reads_it_back(scheme, engagement):
    user = UserFactory()

    tag = contract_tags.tag(engagement, uid_of("M3", scheme), user, note="Marché réservé")

    assert (tag.contract_id, tag.buyer_siret, tag.note, tag.tagged_by) == ("M3", A2, "Marché réservé", user)
    (item,) = contract_tags.engagement_contracts(engagement).contracts
    assert (item.contract.objet, item.contract.amount) == ("Marché 3", 200000)
    assert item.contract.notified == datetime.date(2024, 3, 1)
    assert item.contract.awardees == "T3"  # the reference data's name of its awardee


def test_tagging_twice_keeps_one_tag_with_the_last_note(scheme, engagement):
    uid = uid_of("M1", scheme)
    contract_tags.tag(engagement, uid, None, note="avant")

    contract_tags.tag(engagement, uid, None, note="après")

    assert list(ContractTag.objects.values_list("note", flat=True)) == ["après"]


def test_the_engagements_totals_are_the_hand_counted_amounts(scheme, engagement):
    other = EngagementFactory(axis=engagement.axis, title="Réduire les déchets")
    for contract_id in ("M1", "M2"):
        contract_tags.tag(engagement, uid_of(contract_id, scheme), None)
    contract_tags.tag(other, uid_of("M3", scheme), None)

    totals = {
        item.engagement.title: (len(item.contracts), item.amount) for item in contract_tags.by_engagement(scheme)
    }

    assert totals == {"Développer les clauses sociales": (2, 150000), "Réduire les déchets": (1, 200000)}


def test_another_buyers_contract_cannot_be_tagged(decp_store, scheme, engagement):
    (contract,) = contract_tags.candidates(SchemeFactory(organisation__siren=B1[:9]), "M7")

    with pytest.raises(TagError, match="acheteur qui ne porte pas ce SPASER"):
        contract_tags.tag(engagement, contract.uid, None)
    assert contract_tags.candidates(scheme, "M7") == []


def test_an_unknown_uid_cannot_be_tagged(engagement):
    with pytest.raises(TagError, match="introuvable dans les données DECP actuelles"):
        contract_tags.tag(engagement, f"marche|{A1}|M404", None)


def test_a_tag_survives_rebuilding_the_store_from_the_same_files(scheme, engagement, tmp_path, settings):
    contract_tags.tag(engagement, uid_of("M1", scheme), None)

    (tmp_path / "rebuilt").mkdir()
    settings.SPASER_STORE_DIR = build_store(tmp_path / "rebuilt")

    (item,) = contract_tags.engagement_contracts(engagement).contracts
    assert (item.contract.id, item.contract.amount) == ("M1", 100000)


def test_a_contract_gone_from_the_store_keeps_its_tag_and_is_flagged(scheme, engagement, tmp_path, settings):
    contract_tags.tag(engagement, uid_of("M1", scheme), None)
    contract_tags.tag(engagement, uid_of("M2", scheme), None)
    source = tmp_path / "decp.json"
    without_m1 = [record for record in MARCHES if record["id"] != "M1"]
    source.write_bytes(orjson.dumps({"marches": {"marche": without_m1, "contrat-concession": [CONCESSION]}}))
    import_files([source], tmp_path / "newer")
    settings.SPASER_STORE_DIR = tmp_path / "newer"

    (summary,) = contract_tags.by_engagement(scheme)

    assert (len(summary.contracts), summary.vanished, summary.amount) == (2, 1, 50000)
    assert [item.tag.contract_id for item in summary.contracts if item.contract is None] == ["M1"]
    assert ContractTag.objects.count() == 2


# The CSV file


def csv(*lines: str) -> bytes:
    return "\n".join(["engagement;identifiant_marche;note", *lines]).encode()


def test_a_file_tags_its_contracts_to_engagements_named_loosely(scheme, engagement):
    tagged, errors = contract_tags.import_csv(
        scheme, csv("DEVELOPPER  les clauses sociales;M1;clause", "Développer les clauses sociales;M2;"), "f.csv", None
    )

    assert (tagged, errors) == (2, [])
    assert sorted(engagement.contract_tags.values_list("contract_id", "note")) == [("M1", "clause"), ("M2", "")]


def test_a_wrong_file_tags_nothing_and_names_every_line_and_column(scheme, engagement):
    tagged, errors = contract_tags.import_csv(
        scheme,
        csv(
            "Développer les clauses sociales;M1;",
            "Développer les clauses sociales;M7;",
            "Développer les clauses sociales;M404;",
            "Engagement inconnu;M2;",
            "développer les clauses sociales;M1;doublon",
        ),
        "marches.csv",
        None,
    )

    assert tagged == 0
    assert ContractTag.objects.count() == 0
    assert [str(error) for error in errors] == [
        "Ligne 3, colonne « identifiant_marche » : le marché « M7 » a été publié par un autre acheteur que ceux de "
        "ce SPASER",
        "Ligne 4, colonne « identifiant_marche » : aucun marché « M404 » dans les données DECP actuelles",
        "Ligne 5, colonne « engagement » : « Engagement inconnu » n'est pas un engagement de ce SPASER",
        "Ligne 6, colonne « identifiant_marche » : ce marché et cet engagement figurent déjà à la ligne 2",
    ]


def test_a_file_without_the_contract_column_says_which_header_is_expected(scheme, engagement):
    _, errors = contract_tags.import_csv(scheme, b"engagement;note\nX;y\n", "f.csv", None)

    assert [str(error) for error in errors] == [
        "Ligne 1 : colonne manquante : identifiant_marche. La première ligne doit être : "
        "engagement;identifiant_marche;note"
    ]


def test_two_engagements_of_one_title_are_refused_by_name(scheme, engagement):
    EngagementFactory(axis=engagement.axis, title=engagement.title)

    _, errors = contract_tags.import_csv(scheme, csv(f"{engagement.title};M1;"), "f.csv", None)

    assert [error.column for error in errors] == ["engagement"]
    assert "plusieurs engagements" in errors[0].message


def test_the_template_names_the_schemes_engagements(scheme, engagement):
    lines = contract_tags.template_csv(scheme).lstrip("\ufeff").splitlines()

    assert lines == ["engagement;identifiant_marche;note", "Développer les clauses sociales;2024-0042;"]


def test_tagging_and_untagging_are_in_the_schemes_history(scheme, engagement):
    tag = contract_tags.tag(engagement, uid_of("M1", scheme), None, note="clause")
    tag.delete()

    entries = history.entries(history.entry_keys(scheme, "marches"))
    assert [(entry.verb, entry.label) for entry in entries] == [
        ("suppression", f"marché M1 (SIRET {A1})"),
        ("ajout", f"marché M1 (SIRET {A1})"),
    ]
