"""The synthetic DECP 2022 generator: determinism, envelope, counts, realism and the deliberate defects."""

import hashlib
import json
import re
from collections import Counter

import pytest

from spaser.cli import main
from spaser.demo.generator import DIRTY_KIND_NAMES, SIRET_DIRTY_KINDS, GenerationSummary, generate, luhn_valid
from spaser.errors import SpaserError


SOCIAL = {"Clause sociale", "Critère social", "Marché réservé"}
NO_SOCIAL = "Pas de considération sociale"
ENVIRONMENTAL = {"Clause environnementale", "Critère environnemental"}
NO_ENVIRONMENTAL = "Pas de considération environnementale"
SIRET_TYPES = {"SIRET", ""}  # after strip/upper: the defect "typeIdentifiant variant" keeps a valid SIRET


@pytest.fixture(scope="module")
def national(tmp_path_factory) -> tuple[GenerationSummary, bytes]:
    path = tmp_path_factory.mktemp("demo") / "decp.json"
    summary = generate(path, marches=5000, seed=11)
    return summary, path.read_bytes()


def _arrays(data: bytes) -> tuple[list[dict], list[dict]]:
    document = json.loads(data)
    return document["marches"]["marche"], document["marches"]["contrat-concession"]


def _record_lines(data: bytes) -> tuple[list[bytes], list[bytes]]:
    """The serialised records of each array, one per line as written."""
    marches_part, concessions_part = data.split(b'],"contrat-concession":[')
    lines = [line.rstrip(b",") for line in marches_part.split(b"\n")[1:] if line.startswith(b"{")]
    concession_lines = [line.rstrip(b",") for line in concessions_part.split(b"\n") if line.startswith(b"{")]
    return lines, concession_lines


def _siret_ids(record: dict) -> list[str]:
    ids = []
    for holder in ("acheteur", "autoriteConcedante"):
        if holder in record:
            ids.append(record[holder]["id"])
    for key, item in (("titulaires", "titulaire"), ("concessionnaires", "concessionnaire")):
        for party in record.get(key, []):
            if party[item]["typeIdentifiant"].strip().upper() in SIRET_TYPES:
                ids.append(party[item]["id"])
    for acte in record.get("actesSousTraitance", []):
        ids.append(acte["acteSousTraitance"]["sousTraitant"]["id"])
    return ids


def _has_valid_sirets(record: dict) -> bool:
    return all(len(siret) == 14 and luhn_valid(siret) and luhn_valid(siret[:9]) for siret in _siret_ids(record))


def test_same_seed_gives_identical_bytes(tmp_path):
    generate(tmp_path / "a.json", marches=800, seed=3)
    generate(tmp_path / "b.json", marches=800, seed=3)
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_the_bytes_of_a_seed_do_not_change(tmp_path):
    """Pinned: a refactoring must keep these hashes; a deliberate change of the data updates them (and says so)."""
    generate(tmp_path / "decp.json", marches=1200, seed=2024, files=2)
    assert hashlib.sha256((tmp_path / "decp-1.json").read_bytes()).hexdigest() == (
        "8be45091d7d203333a4723b4249d492cc9d2014e8c0769298b9f1bea97ca3aba"
    )
    assert hashlib.sha256((tmp_path / "decp-2.json").read_bytes()).hexdigest() == (
        "ed0d7aaaf87783a517bca35caa36b4dd24d26e474bff2870bcc08bf90b37fe82"
    )


def test_another_seed_gives_another_file(tmp_path):
    generate(tmp_path / "a.json", marches=800, seed=3)
    generate(tmp_path / "b.json", marches=800, seed=4)
    assert (tmp_path / "a.json").read_bytes() != (tmp_path / "b.json").read_bytes()


def test_envelope_is_the_2022_one_with_marches_first(national):
    _, data = national
    assert data.startswith(b'{"marches":{"marche":[\n{')
    assert data.endswith(b"\n]}}\n")
    document = json.loads(data)
    assert list(document) == ["marches"]
    assert list(document["marches"]) == ["marche", "contrat-concession"]


def test_counts_match_the_summary(national):
    summary, data = national
    marches, concessions = _arrays(data)
    assert summary.marches_written == len(marches) == 5000
    assert summary.concessions_written == len(concessions) == 50
    counts = summary.marches
    assert counts.distinct + counts.republications + counts.duplicates + counts.overlaps == counts.written
    assert summary.bytes_written == len(data)
    assert summary.paths == (summary.paths[0],) and summary.paths[0].read_bytes() == data


def test_exact_duplicates_are_the_repeated_lines(national):
    summary, data = national
    lines, _ = _record_lines(data)
    repeated = len(lines) - len(set(lines))
    assert repeated == summary.duplicates > 0.01 * summary.marches_written


def test_republications_add_one_modification_and_publish_later(national):
    summary, data = national
    lines, _ = _record_lines(data)
    seen_lines: set[bytes] = set()
    states: dict[tuple, list[dict]] = {}
    republications = shared_ids = same_day_lots = 0
    for line in lines:
        record = json.loads(line)
        key = (record.get("acheteur", {}).get("id"), record.get("id"))
        if line in seen_lines or None in key:
            seen_lines.add(line)
            continue
        seen_lines.add(line)
        earlier = [state for state in states.get(key, []) if state["titulaires"] == record["titulaires"]]
        if earlier:
            republications += 1
            previous = earlier[-1]
            assert len(record["modifications"]) == len(previous.get("modifications", [])) + 1
            assert record["datePublicationDonnees"] >= previous["datePublicationDonnees"]
            assert record["dateNotification"] == previous["dateNotification"]
        elif key in states:
            shared_ids += 1
            same_day_lots += record.get("dateNotification") == states[key][-1].get("dateNotification")
        states.setdefault(key, []).append(record)
    assert republications == summary.republications > 0.03 * summary.marches_written
    # Defects may hide a few reused ids (for example when the first lot lost its buyer): hence the inequality.
    assert 0 < shared_ids <= summary.marches.lots_sharing_id
    assert same_day_lots >= 0.8 * shared_ids  # lots of one consultation are notified together


def test_sirets_pass_luhn_except_the_defective_ones(national):
    summary, data = national
    marches, concessions = _arrays(data)
    failing_marches = sum(not _has_valid_sirets(record) for record in marches)
    failing_concessions = sum(not _has_valid_sirets(record) for record in concessions)
    expected = sum(count for kind, count in summary.marches.dirty.items() if kind in SIRET_DIRTY_KINDS)
    assert failing_marches == expected > 0
    assert failing_concessions == sum(
        count for kind, count in summary.concessions.dirty.items() if kind in SIRET_DIRTY_KINDS
    )


def test_about_two_percent_of_awardees_are_not_identified_by_siret(national):
    _, data = national
    marches, _ = _arrays(data)
    kinds = Counter(item["titulaire"]["typeIdentifiant"] for record in marches for item in record["titulaires"])
    foreign = kinds["TVA"] + kinds["HORS-UE"]
    assert kinds["TVA"] and kinds["HORS-UE"]
    assert 0.01 < foreign / sum(kinds.values()) < 0.035


def test_social_and_environmental_shares_of_clean_marches(national):
    _, data = national
    marches, _ = _arrays(data)
    social = [record["considerationsSociales"]["considerationSociale"] for record in marches]
    social = [values for values in social if set(values) <= SOCIAL | {NO_SOCIAL}]
    environmental = [record["considerationsEnvironnementales"]["considerationEnvironnementale"] for record in marches]
    environmental = [values for values in environmental if set(values) <= ENVIRONMENTAL | {NO_ENVIRONMENTAL}]
    assert len(social) > 0.97 * len(marches) and len(environmental) > 0.97 * len(marches)
    assert abs(sum(values != [NO_SOCIAL] for values in social) / len(social) - 0.20) <= 0.03
    assert abs(sum(values != [NO_ENVIRONMENTAL] for values in environmental) / len(environmental) - 0.30) <= 0.03
    assert all(NO_SOCIAL not in values or values == [NO_SOCIAL] for values in social)


def test_buyers_of_every_kind_and_skewed_activity(national):
    _, data = national
    marches, _ = _arrays(data)
    buyers = Counter(record["acheteur"]["id"][:9] for record in marches if "acheteur" in record)
    prefixes = {siren[:2] for siren in buyers}
    assert {"21", "22", "23", "24", "25", "26"} <= prefixes
    assert any(prefix.startswith("1") for prefix in prefixes)
    top_tenth = sum(count for _, count in buyers.most_common(max(1, len(buyers) // 10)))
    assert top_tenth > 0.3 * sum(buyers.values())


def test_clean_marches_have_plausible_fields(national):
    _, data = national
    marches, _ = _arrays(data)
    clean = [record for record in marches if "id" in record and "dateNotification" in record]
    assert all(len(record["id"]) <= 16 for record in clean)
    cpv = Counter(bool(re.fullmatch(r"\d{8}", record["codeCPV"])) for record in clean)
    assert cpv[False] < 0.01 * len(clean)
    amounts = sorted(record["montant"] for record in clean if isinstance(record["montant"], int | float))
    assert 60_000 < amounts[len(amounts) // 2] < 100_000
    assert amounts[int(0.99 * len(amounts))] > 10 * amounts[len(amounts) // 2]  # heavy tail
    procedures = Counter(record["procedure"] for record in clean)
    assert procedures.most_common(1)[0][0] == "Procédure adaptée"
    in_range = [record for record in clean if "2024-01-01" <= record["dateNotification"] <= "2025-12-31"]
    assert len(in_range) > 0.99 * len(clean)
    late = [record for record in in_range if record["datePublicationDonnees"] >= record["dateNotification"]]
    assert len(late) > 0.99 * len(in_range)
    for record in in_range:
        for item in record.get("modifications", []):
            assert item["modification"]["dateNotificationModification"] > record["dateNotification"]
    modified = sum("modifications" in record for record in clean) / len(clean)
    assert 0.08 < modified < 0.16  # 8 % at first publication, plus the re-publications


def test_lots_share_an_operation(national):
    _, data = national
    marches, _ = _arrays(data)
    lots = [record["objet"] for record in marches if re.search(r" : Lot \d+ : ", record.get("objet", ""))]
    assert len(lots) > 0.05 * len(marches)


def test_every_defect_kind_appears_from_a_thousand_marches(tmp_path):
    summary = generate(tmp_path / "decp.json", marches=1000, seed=8)
    assert set(summary.marches.dirty) == set(DIRTY_KIND_NAMES)
    data = (tmp_path / "decp.json").read_bytes()
    marches, _ = _arrays(data)
    assert any("acheteur" not in record for record in marches)
    assert any("id" not in record for record in marches)
    assert any("\ufffd" in record.get("objet", "") for record in marches)
    assert any(record.get("montant") == 12311111111 for record in marches)
    assert any(record.get("procedure") == "Appel d’offres ouvert" for record in marches) or any(
        record.get("procedure") == "Appel d’offres restreint" for record in marches
    )
    assert summary.marches.dirty_records < 0.06 * summary.marches_written


def test_daily_files_overlap(tmp_path):
    summary = generate(tmp_path / "jour.json", marches=900, seed=5, files=3)
    paths = [tmp_path / f"jour-{index}.json" for index in (1, 2, 3)]
    assert summary.paths == tuple(paths)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["jour-1.json", "jour-2.json", "jour-3.json"]
    contents = [path.read_bytes() for path in paths]
    assert sum(len(_arrays(content)[0]) for content in contents) == 900 == summary.marches_written
    lines = [set(_record_lines(content)[0]) for content in contents]
    assert summary.marches.overlaps > 0
    assert lines[0] & lines[1] and lines[1] & lines[2]
    assert len(lines[0] & lines[1]) + len(lines[1] & lines[2]) >= summary.marches.overlaps


def test_invalid_arguments_are_refused_in_french(tmp_path):
    with pytest.raises(SpaserError, match="--files"):
        generate(tmp_path / "decp.json", marches=10, seed=1, files=0)
    assert not list(tmp_path.iterdir())


def test_cli_writes_the_file_and_prints_a_french_summary(tmp_path, capsys):
    path = tmp_path / "decp.json"
    code = main(["demo", "generate", "--marches", "500", "--seed", "3", "--out", str(path), "--no-progress"])
    assert code == 0
    assert len(_arrays(path.read_bytes())[0]) == 500
    output = capsys.readouterr().out
    assert f"500 marchés écrits dans {path}" in output
    assert "contrats de concession" in output


def test_cli_reports_argument_errors(tmp_path, capsys):
    code = main(["demo", "generate", "--marches", "-1", "--out", str(tmp_path / "x.json"), "--no-progress"])
    assert code == 2
    assert "Erreur : --marches doit être positif" in capsys.readouterr().err
