"""The JSON exchange format: published schema, error places of bad documents, round trips through the database."""

import copy
import datetime
import io
import json
from pathlib import Path

import pydantic
import pytest
from django.core.management import call_command
from jsonschema import Draft202012Validator

from spaser.plans import exchange, exchange_format, partnerships
from spaser.plans.exchange import export_scheme, import_scheme
from spaser.plans.exchange_format import SCHEMA
from spaser.plans.exchange_validation import ExchangeInvalid, UnreadableDocument, read_document, validate
from spaser.plans.models import ActionStatus, Axis, ManualIndicator, Objective, Scheme, Status, Target, Theme
from tests.organisations.factories import OrganisationFactory
from tests.plans.factories import (
    ActionFactory,
    AxisFactory,
    EngagementFactory,
    ManualIndicatorFactory,
    ObjectiveFactory,
    PartnershipFactory,
    SchemeFactory,
    TargetFactory,
)


FIXTURES = Path(__file__).parents[1] / "fixtures" / "exchange"
SCHEMA_FILE = Path(__file__).parents[2] / "docs" / "spaser-schema.json"
OBJECTIVE = "Axe 1 › Engagement 1.1 › Objectif"


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def places(document) -> list[str]:
    return [error.place for error in validate(document)]


def as_imported_into(document: dict, organisation) -> dict:
    """What exporting the import of `document` gives before any partner it invited has accepted."""
    expected = copy.deepcopy(document)
    expected["scheme"]["status"] = Status.DRAFT
    expected["scheme"]["organisations"] = [{"siren": organisation.siren, "name": organisation.name}]
    return expected


# The published schema


def test_the_published_schema_file_is_the_schema_of_the_code():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == json.dumps(SCHEMA, indent=2, ensure_ascii=False) + "\n"


def test_the_schema_is_a_valid_draft_2020_12_schema():
    Draft202012Validator.check_schema(SCHEMA)


def test_the_command_prints_the_schema():
    out = io.StringIO()
    call_command("spaser_schema", stdout=out)

    assert json.loads(out.getvalue()) == SCHEMA


# Validation


@pytest.mark.parametrize("name", ["good_minimal.json", "good_full.json"])
def test_good_documents_have_no_error(name):
    assert validate(fixture(name)) == []


@pytest.mark.parametrize(
    "name, expected",
    [
        (
            "bad_missing_title.json",
            [
                "SPASER › titre",
                "Axe 1 › titre",
                "Axe 1 › Engagement 1.1 › titre",
                "Axe 1 › Engagement 1.1 › Action 1 › direction pilote",
            ],
        ),
        (
            "bad_target_out_of_range.json",
            [
                f"{OBJECTIVE} 1 › valeur de référence",  # 150 %
                f"{OBJECTIVE} 1 › cible 2026 › valeur",  # 120 %
                f"{OBJECTIVE} 1 › cible 2024 › valeur",  # -1 %
                f"{OBJECTIVE} 2 › cible 2026 › valeur",  # -5 heures; objective 3 (250 offres) is fine
            ],
        ),
        (
            "bad_unknown_indicator.json",
            [
                f"{OBJECTIVE} 1 › indicateur › code du catalogue",
                f"{OBJECTIVE} 2 › indicateur",  # both kinds
                f"{OBJECTIVE} 3 › indicateur",  # none
                f"{OBJECTIVE} 4 › indicateur › saisi › unité",
                f"{OBJECTIVE} 5 › indicateur › saisi › code",
            ],
        ),
        (
            "bad_years_outside_period.json",
            [
                f"{OBJECTIVE} 1 › année de référence",  # after the period
                f"{OBJECTIVE} 1 › échéance",
                f"{OBJECTIVE} 1 › cible 2023 › année",  # before; 2026 is fine
                f"{OBJECTIVE} 1 › cible 2028 › année",  # after
                f"{OBJECTIVE} 2 › année de référence",  # 1990: outside the format, reported once
                f"{OBJECTIVE} 2 › échéance",  # 2060: idem
            ],
        ),
        # The period itself is wrong: the years in it are not checked against it.
        ("bad_period_reversed.json", ["SPASER › dernière année"]),
        ("bad_duplicate_target_year.json", [f"{OBJECTIVE} 1 › cible 2025 › année"]),
        (
            "bad_wrong_types.json",
            [
                "SPASER › édition",
                "SPASER › première année",
                "SPASER › date d'adoption",
                "SPASER › mutualisé",
                "SPASER › Organisation 1 › SIREN",
                f"{OBJECTIVE} 1 › cible 2026 › valeur",
                "Axe 1 › Engagement 1.1 › actions",
                "Axe 2",
            ],
        ),
        (
            "bad_unexpected_fields.json",
            [
                "format",
                "version",
                "SPASER › statut",
                "SPASER › budget",
                "Axe 1 › thème",
                "Axe 1 › colour",
                "comment",  # unknown fields come after the known ones
            ],
        ),
        ("bad_manual_code_reused.json", [f"{OBJECTIVE} 3 › indicateur › saisi"]),
    ],
)
def test_every_error_of_a_bad_document_is_reported_at_its_place(name, expected):
    assert places(fixture(name)) == expected


def test_a_place_is_named_as_a_person_reads_it():
    document = fixture("good_minimal.json")
    engagements = document["axes"][0]["engagements"]
    second = copy.deepcopy(engagements[0])
    second["objectives"] = [copy.deepcopy(second["objectives"][0]) for _ in range(3)]
    second["objectives"][2]["targets"] = [{"year": 2026, "value": 120}]
    engagements.append(second)

    assert [str(error) for error in validate(document)] == [
        "Axe 1 › Engagement 1.2 › Objectif 3 › cible 2026 › valeur : 120 n'est pas un pourcentage entre 0 et 100."
    ]


@pytest.mark.parametrize("name", sorted(path.name for path in FIXTURES.glob("*.json")))
def test_the_published_schema_and_the_models_accept_the_same_documents(name):
    document = fixture(name)
    published = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    try:
        exchange_format.Document.model_validate(document)
    except pydantic.ValidationError:
        accepted = False
    else:
        accepted = True

    assert Draft202012Validator(published, format_checker=Draft202012Validator.FORMAT_CHECKER).is_valid(document) == (
        accepted
    )


def test_messages_are_in_french_and_say_what_is_wrong():
    messages = {error.place: error.message for error in validate(fixture("bad_wrong_types.json"))}

    assert messages["SPASER › première année"] == "Type attendu : nombre entier ; valeur reçue : « 2024 »."
    assert messages["Axe 2"] == "Type attendu : objet ; valeur reçue : « Achats écologiquement responsables »."
    assert "AAAA-MM-JJ" in messages["SPASER › date d'adoption"]
    missing = {error.place: error.message for error in validate(fixture("bad_missing_title.json"))}
    assert missing["SPASER › titre"] == "Ce champ est obligatoire."
    assert missing["Axe 1 › Engagement 1.1 › titre"] == "Ce champ ne peut pas être vide."


def test_an_unknown_catalogue_code_lists_the_codes_of_the_catalogue():
    (error, *_) = validate(fixture("bad_unknown_indicator.json"))

    assert error.message.startswith("Valeur « S99 » non prévue.")
    assert "« S1 »" in error.message and "« E1 »" in error.message


def test_a_percentage_and_a_count_have_their_own_limits():
    errors = {error.place: error.message for error in validate(fixture("bad_target_out_of_range.json"))}

    assert "pourcentage" in errors[f"{OBJECTIVE} 1 › cible 2026 › valeur"]
    assert "négatif" in errors[f"{OBJECTIVE} 2 › cible 2026 › valeur"]


def test_a_document_that_is_not_an_object_gets_one_error_for_the_whole_document():
    (error,) = validate(["spaser"])

    assert (error.place, str(error)) == ("document", "document : Type attendu : objet ; valeur reçue : une liste.")


def test_whole_floats_are_accepted_as_years_and_booleans_are_not_numbers():
    document = fixture("good_minimal.json")
    document["scheme"]["start_year"] = 2025.0
    document["axes"][0]["engagements"][0]["objectives"][0]["targets"] = [{"year": 2026, "value": True}]

    assert places(document) == [f"{OBJECTIVE} 1 › cible 2026 › valeur"]


def test_an_infinite_target_is_refused():
    document = fixture("good_minimal.json")
    document["axes"][0]["engagements"][0]["objectives"][0]["targets"] = [{"year": 2026, "value": float("inf")}]

    assert [str(error) for error in validate(document)] == [
        f"{OBJECTIVE} 1 › cible 2026 › valeur : La valeur doit être un nombre fini."
    ]


# Reading a file


def test_a_file_with_a_byte_order_mark_is_read():
    assert read_document('\ufeff{"format": "spaser"}'.encode(), "spaser.json") == {"format": "spaser"}


def test_a_file_that_is_not_utf8_names_the_file():
    with pytest.raises(UnreadableDocument, match="« spaser.json » n'est pas encodé en UTF-8"):
        read_document('{"title": "Schéma"}'.encode("latin-1"), "spaser.json")


def test_malformed_json_gives_the_line_and_column():
    with pytest.raises(UnreadableDocument) as raised:
        read_document(b'{\n  "format": "spaser",\n  "version" "1.0"\n}', "spaser.json")

    assert str(raised.value) == (
        "Le fichier « spaser.json » n'est pas un JSON valide : deux-points attendu (ligne 3, colonne 13)."
    )


def test_nan_is_not_a_json_number():
    with pytest.raises(UnreadableDocument, match="« NaN »"):
        read_document(b'{"value": NaN}', "spaser.json")


# Export


@pytest.fixture
def owner():
    return OrganisationFactory(name="Commune fictive de Valbourg")


@pytest.fixture
def full_scheme(owner):
    """Every field filled, positions created out of order, a catalogue and a manual indicator."""
    scheme = SchemeFactory(
        organisation=owner,
        title="SPASER de Valbourg",
        edition=2,
        start_year=2024,
        end_year=2026,
        status=Status.PUBLISHED,
        adoption_date=datetime.date(2024, 3, 28),
        deliberation="Délibération n° 2024-031",
        summary="Insertion, réemploi et achats de proximité.",
        population="50000-100000",
        purchase_volume="moins-50",
        mutualised=True,
        mutualised_with="Syndicat des eaux",
    )
    for name in ["CCAS fictif", "Agglomération fictive"]:
        PartnershipFactory(scheme=scheme, organisation=OrganisationFactory(name=name), accepted=True)
    PartnershipFactory(scheme=scheme, organisation=OrganisationFactory(name="Invitée sans réponse"))
    environmental = AxisFactory(scheme=scheme, title="Environnement", theme=Theme.ENVIRONMENTAL, position=1)
    social = AxisFactory(scheme=scheme, title="Social", theme=Theme.SOCIAL, description="Emploi.", position=0)
    AxisFactory(scheme=scheme, title="Pilotage", theme=Theme.CROSS_CUTTING, position=2)
    engagement = EngagementFactory(axis=social, title="Insertion", description="Clauses.", position=0)
    EngagementFactory(axis=environmental, title="Clauses vertes", position=0)
    shares = ObjectiveFactory(engagement=engagement, indicator_code="S1", baseline_value=18.5, position=1)
    for year, value in [(2026, 30), (2024, 20), (2025, 25.5)]:
        TargetFactory(objective=shares, year=year, value=value)
    hours = ManualIndicatorFactory(organisation=owner, code="heures", label="Heures d'insertion", unit="heures")
    manual = ObjectiveFactory(
        engagement=engagement,
        title="Heures",
        indicator_code="",
        manual_indicator=hours,
        baseline_year=None,
        baseline_value=None,
        position=0,
    )
    TargetFactory(objective=manual, year=2026, value=15000)
    ActionFactory(engagement=engagement, title="Second", status=ActionStatus.ONGOING, position=1)
    ActionFactory(engagement=engagement, title="First", due_date=datetime.date(2024, 6, 30), position=0)
    return scheme


def test_the_export_follows_positions_and_the_schema(full_scheme):
    document = export_scheme(full_scheme)

    assert validate(document) == []
    assert [axis["title"] for axis in document["axes"]] == ["Social", "Environnement", "Pilotage"]
    engagement = document["axes"][0]["engagements"][0]
    assert [objective["title"] for objective in engagement["objectives"]][0] == "Heures"
    assert engagement["objectives"][0]["indicator"] == {
        "manual": {"code": "heures", "label": "Heures d'insertion", "unit": "heures"}
    }
    assert engagement["objectives"][1]["targets"] == [
        {"year": 2024, "value": 20},
        {"year": 2025, "value": 25.5},
        {"year": 2026, "value": 30},
    ]
    assert [action["title"] for action in engagement["actions"]] == ["First", "Second"]
    assert engagement["actions"][0]["due_date"] == "2024-06-30"
    header = document["scheme"]
    assert (header["status"], header["adoption_date"]) == ("published", "2024-03-28")
    assert [o["name"] for o in header["organisations"]] == [
        "Commune fictive de Valbourg",
        "Agglomération fictive",
        "CCAS fictif",
    ]


# Round trips


def test_export_import_export_gives_the_same_document_but_owner_and_status(full_scheme):
    document = export_scheme(full_scheme)
    other = OrganisationFactory(name="Commune fictive de Montclair")

    imported = import_scheme(document, other)

    assert export_scheme(imported) == as_imported_into(document, other)
    assert imported.pk != full_scheme.pk
    # The partners of the document are invited, not attached.
    assert sorted(p.organisation.name for p in imported.partnerships.pending()) == [
        "Agglomération fictive",
        "CCAS fictif",
    ]
    # The importer gets its own copy of the manual indicator.
    assert imported.organisation == other
    assert ManualIndicator.objects.get(organisation=other, code="heures").label == "Heures d'insertion"


def test_the_full_fixture_survives_a_round_trip_once_its_partners_accept():
    document = fixture("good_full.json")
    for partner in document["scheme"]["organisations"][1:]:
        OrganisationFactory(**partner)
    organisation = OrganisationFactory(name="Commune fictive de Montclair")

    scheme = import_scheme(document, organisation)
    for partnership in scheme.partnerships.all():
        partnerships.accept(partnership, None)

    expected = as_imported_into(document, organisation)
    # The platform lists partners by name.
    expected["scheme"]["organisations"] += sorted(document["scheme"]["organisations"][1:], key=lambda o: o["name"])
    assert export_scheme(scheme) == expected


def test_the_minimal_fixture_comes_back_with_the_defaults():
    organisation = OrganisationFactory()

    document = export_scheme(import_scheme(fixture("good_minimal.json"), organisation))

    assert document["scheme"] | {"organisations": None} == {
        "title": "SPASER minimal",
        "edition": 1,
        "start_year": 2025,
        "end_year": 2027,
        "status": "draft",
        "adoption_date": None,
        "deliberation": "",
        "summary": "",
        "population": "",
        "purchase_volume": "",
        "mutualised": False,
        "mutualised_with": "",
        "organisations": None,
    }
    objective = document["axes"][0]["engagements"][0]["objectives"][0]
    assert (objective["baseline_year"], objective["baseline_value"], objective["targets"]) == (None, None, [])
    assert document["axes"][0]["engagements"][0]["actions"][0]["status"] == ActionStatus.PLANNED


# Import


def test_an_imported_scheme_is_a_draft_with_a_slug_of_its_organisation_and_title():
    organisation = OrganisationFactory(name="Valbourg")

    first = import_scheme(fixture("good_full.json"), organisation)
    second = import_scheme(fixture("good_full.json"), organisation)
    third = import_scheme(fixture("good_full.json"), organisation)

    assert first.status == second.status == Status.DRAFT
    assert [first.slug, second.slug, third.slug] == [
        "valbourg-spaser-de-la-commune-fictive-de-valbourg-2024-2026",
        "valbourg-spaser-de-la-commune-fictive-de-valbourg-2024-2026-2",
        "valbourg-spaser-de-la-commune-fictive-de-valbourg-2024-2026-3",
    ]


def test_unknown_partners_are_written_in_mutualised_with_and_the_importer_is_not_its_own_partner():
    document = fixture("good_full.json")
    ccas, school_fund = document["scheme"]["organisations"][1:]
    importer = OrganisationFactory(**school_fund)

    scheme = import_scheme(document, importer)

    assert not scheme.partnerships.exists()
    assert scheme.mutualised_with == f"Syndicat intercommunal des eaux, {ccas['name']} (SIREN {ccas['siren']})"


def test_the_document_owner_is_ignored():
    document = fixture("good_full.json")
    author = OrganisationFactory(**document["scheme"]["organisations"][0])
    importer = OrganisationFactory()

    scheme = import_scheme(document, importer)

    assert scheme.organisation == importer
    assert not scheme.partnerships.filter(organisation=author).exists()


def test_manual_indicators_are_matched_by_code_in_the_organisation():
    organisation = OrganisationFactory()
    hours = ManualIndicatorFactory(organisation=organisation, code="heures-insertion", label="Heures", unit="heures")
    ManualIndicatorFactory(code="co2-achats", unit="tCO2e")  # another organisation's: not reused

    scheme = import_scheme(fixture("good_full.json"), organisation)

    objective = Objective.objects.get(engagement__axis__scheme=scheme, manual_indicator__code="heures-insertion")
    assert objective.manual_indicator == hours
    assert ManualIndicator.objects.filter(organisation=organisation).count() == 2
    assert ManualIndicator.objects.get(organisation=organisation, code="co2-achats").unit == "tCO2e"


def test_a_manual_code_of_the_organisation_in_another_unit_is_refused():
    organisation = OrganisationFactory()
    ManualIndicatorFactory(organisation=organisation, code="heures-insertion", unit="nombre")

    with pytest.raises(ExchangeInvalid) as raised:
        import_scheme(fixture("good_full.json"), organisation)

    (error,) = raised.value.errors
    assert error.place == "Axe 1 › Engagement 1.1 › Objectif 2 › indicateur › saisi › unité"
    assert "en nombre" in error.message
    assert not Scheme.objects.exists()


def test_an_invalid_document_stores_nothing_and_carries_its_errors():
    with pytest.raises(ExchangeInvalid) as raised:
        import_scheme(fixture("bad_duplicate_target_year.json"), OrganisationFactory())

    assert [error.place for error in raised.value.errors] == places(fixture("bad_duplicate_target_year.json"))
    assert not Scheme.objects.exists()


def test_a_failure_in_the_middle_of_the_tree_stores_nothing(monkeypatch):
    def fail(*args):
        raise RuntimeError("database gone")

    monkeypatch.setattr(exchange, "_manual_indicator", fail)

    with pytest.raises(RuntimeError):
        import_scheme(fixture("good_full.json"), OrganisationFactory())

    assert (Scheme.objects.count(), Axis.objects.count(), Target.objects.count()) == (0, 0, 0)
