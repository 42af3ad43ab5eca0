"""The tools of the benchmark harness (bench/): slicing, the peer's normaliser, statistics, the runner, the docs."""

import json
import sys
from pathlib import Path

import pytest

from bench import locate_envelope
from bench.floor import load, read_sql, typed_columns
from bench.peer import convert, normalise
from bench.run import (
    BenchError,
    Measurement,
    extract_marches_array,
    method_summary,
    replace_section,
    run_measured,
    targets,
    write_docs_section,
)
from spaser.demo.generator import generate


MARCHES = 120


@pytest.fixture(scope="module")
def national(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("bench") / "decp.json"
    generate(path, marches=MARCHES, seed=5)
    return path


def test_marches_array_is_the_marches_alone(national: Path, tmp_path: Path):
    target = tmp_path / "array.json"
    size = extract_marches_array(national, target)
    records = json.loads(target.read_bytes())
    assert isinstance(records, list)
    assert len(records) == MARCHES
    assert size == target.stat().st_size
    assert records == json.loads(national.read_bytes())["marches"]["marche"]


def test_envelope_tolerates_whitespace_and_empty_arrays(tmp_path: Path):
    path = tmp_path / "spaced.json"
    path.write_bytes(b' { "marches" : { "marche" : [ ] ,\n "contrat-concession" : [ {"id": "c"} ] } }\n')
    envelope = locate_envelope(path)
    data = path.read_bytes()
    assert data[envelope.marches_start : envelope.marches_end] == b"[ ]"
    assert data[envelope.concessions_key :].startswith(b'"contrat-concession"')


def test_envelope_rejects_another_layout(tmp_path: Path):
    path = tmp_path / "array.json"
    path.write_bytes(b'[{"id": "1"}]')
    with pytest.raises(ValueError, match="does not start with"):
        locate_envelope(path)


def test_peer_normalises_a_2022_record():
    record = {
        "id": "2024-001",
        "acheteur": {"id": "21310555400017"},
        "nature": "Marché",
        "lieuExecution": {"code": "31555", "typeCode": "Code commune"},
        "dureeMois": 12,
        "montant": 125000.0,
        "offresRecues": "NC",
        "ccag": "NC",
        "marcheInnovant": "non",
        "attributionAvance": "oui",
        "sousTraitanceDeclaree": False,
        "titulaires": [
            {"titulaire": {"typeIdentifiant": "SIRET", "id": "81450962600036"}},
            {"typeIdentifiant": "TVA", "id": "DE811544459"},
            [{"titulaire": {"typeIdentifiant": "NC", "id": "88013574400055"}}],
            {"titulaire": {"typeIdentifiant": "SIRET", "id": "NC"}},
        ],
        "considerationsSociales": {"considerationSociale": ["Clause sociale", "Critère social"]},
        "considerationsEnvironnementales": {"considerationEnvironnementale": ["NC"]},
        "techniques": {"technique": ["Accord-cadre"]},
        "modalitesExecution": {"modaliteExecution": ["Bons de commande", "Tranches"]},
        "typesPrix": {"typePrix": ["Définitif ferme"]},
        "modifications": [
            {
                "modification": {
                    "id": 1,
                    "dateNotificationModification": "2024-06-01",
                    "montant": 130000.0,
                    "dureeMois": "NC",
                    "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": "81450962600036"}}],
                }
            }
        ],
    }
    assert normalise(record) == {
        "id": "2024-001",
        "acheteur_id": "21310555400017",
        "nature": "Marché",
        "lieuExecution_code": "31555",
        "lieuExecution_typeCode": "Code commune",
        "dureeMois": 12,
        "montant": 125000.0,
        "offresRecues": None,
        "ccag": None,
        "marcheInnovant": False,
        "attributionAvance": True,
        "sousTraitanceDeclaree": False,
        "titulaires": [
            {"id": "81450962600036", "typeIdentifiant": "SIRET"},
            {"id": "DE811544459", "typeIdentifiant": "TVA"},
            {"id": "88013574400055", "typeIdentifiant": None},
        ],
        "considerationsSociales": "Clause sociale, Critère social",
        "considerationsEnvironnementales": None,
        "techniques": "Accord-cadre",
        "modalitesExecution": "Bons de commande, Tranches",
        "typesPrix": "Définitif ferme",
        "modifications": [
            {
                "id": 1,
                "dateNotificationModification": "2024-06-01",
                "montant": 130000.0,
                "dureeMois": None,
                "titulaires": [{"id": "81450962600036", "typeIdentifiant": "SIRET"}],
            }
        ],
    }


def test_peer_reads_2019_shapes():
    row = normalise(
        {
            "titulaires": [{"typeIdentifiant": "SIRET", "id": "81450962600036"}],
            "considerationsSociales": ["Clause sociale"],
            "modifications": [{"id": 1, "montant": 1.0}],
            "marcheInnovant": 1,
        }
    )
    assert row == {
        "titulaires": [{"id": "81450962600036", "typeIdentifiant": "SIRET"}],
        "considerationsSociales": "Clause sociale",
        "modifications": [{"id": 1, "montant": 1.0}],
        "marcheInnovant": True,
    }


def test_peer_writes_one_line_per_record(national: Path, tmp_path: Path):
    counts = convert(national, tmp_path / "out.ndjson")
    document = json.loads(national.read_bytes())["marches"]
    assert counts["marches"] == len(document["marche"]) == MARCHES
    assert counts["concessions"] == len(document["contrat-concession"]) > 0
    lines = (tmp_path / "out.ndjson").read_bytes().splitlines()
    assert len(lines) == counts["records"] == MARCHES + counts["concessions"]
    assert all(isinstance(json.loads(line), dict) for line in lines)


def test_floor_loads_every_marche_into_the_canonical_columns(national: Path, tmp_path: Path):
    array = tmp_path / "array.json"
    extract_marches_array(national, array)
    assert load(array) == MARCHES
    sql = read_sql(tmp_path / "it's.json", typed_columns())
    assert "/it''s.json'" in sql
    assert all(f"'{name}': " in sql for name in typed_columns())


def test_summary_medians_and_throughput():
    runs = [Measurement(3.0, 2048), Measurement(1.0, 4096), Measurement(2.0, 1024)]
    summary = method_summary(runs, records=1000, input_bytes=4_000_000)
    assert (summary["median_s"], summary["min_s"], summary["max_s"]) == (2.0, 1.0, 3.0)
    assert summary["records_per_s"] == 500
    assert summary["mb_per_s"] == 2.0
    assert summary["peak_rss_mib"] == 4.0


def test_targets_ratios_and_verdicts():
    methods = {
        "ours": method_summary([Measurement(2.0, 1)], records=1000, input_bytes=1),
        "peer": method_summary([Measurement(8.0, 1)], records=1000, input_bytes=1),
        "floor": method_summary([Measurement(0.5, 1)], records=990, input_bytes=1),
    }
    speedup, floor, rss = targets(methods, {"marches": 10, "file_bytes": 2_000_000_000, "peak_rss_mib": 900.0})
    assert (speedup["value"], speedup["status"]) == (4.0, "PASS")
    assert (floor["value"], floor["status"]) == (4.0, "FAIL")
    assert (rss["value"], rss["status"]) == (900.0, "PASS")
    assert targets(methods, None)[2]["status"] == "SKIPPED"


def test_runner_reports_the_child_peak_rss(tmp_path: Path):
    measurement, stdout = run_measured([sys.executable, "-c", "print('ok')"], tmp_path / "trivial")
    assert measurement.max_rss_kib > 0
    assert measurement.seconds > 0
    assert stdout == "ok\n"


def test_runner_fails_loudly(tmp_path: Path):
    with pytest.raises(BenchError, match="exited with 3"):
        run_measured([sys.executable, "-c", "import sys; sys.exit(3)"], tmp_path / "failing")


def test_docs_writer_replaces_only_the_marked_section(tmp_path: Path):
    before = (
        "# Benchmarks\n\nIntro.\n\n<!-- bench:decp-import:start -->\n## DECP import\nold\n"
        "<!-- bench:decp-import:end -->\n\n## Web\nhand-written\n"
    )
    after = replace_section(before, "decp-import", "## DECP import\nnew\n")
    assert after == before.replace("## DECP import\nold\n", "## DECP import\nnew\n")
    docs = tmp_path / "benchmarks.md"
    write_docs_section(docs, "decp-import", "## DECP import\nfirst")
    write_docs_section(docs, "web", "## Web\nother")
    write_docs_section(docs, "decp-import", "## DECP import\nsecond")
    text = docs.read_text()
    assert text.startswith("# Benchmarks\n")
    assert "first" not in text and text.count("## DECP import\nsecond\n") == 1
    assert text.index("second") < text.index("## Web\nother")
