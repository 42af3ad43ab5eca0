"""A large JSON body is cut into pieces staged side by side: the store must not tell the difference."""

from pathlib import Path

import orjson
import pytest

from spaser.decp import importer, json_layout
from spaser.decp.importer import import_files
from tests.decp.factories import assert_accounting, marche, query, titulaires, write_2022, write_flat


BUYERS = ("21310555400017", "21750001600019", "20005478100022")


def records(count: int) -> list[dict]:
    """Republications, exact duplicates and publication-date ties, spread over the file: order decides."""
    result = []
    for number in range(count):
        record = marche(
            id=f"2024-{number % (count // 3):04d}",
            acheteur={"id": BUYERS[number % len(BUYERS)]},
            objet=f"Objet {number % 7}",
            montant=1000.0 + number % 5,
            titulaires=titulaires(*["81450962600036", "88013574400055"][: 1 + number % 2]),
        )
        if number % 4 == 0:
            record["datePublicationDonnees"] = "2024-05-01"
        result.append(record)
    return result


def stored(store: Path) -> dict:
    return {
        "versions": query(store, "SELECT * EXCLUDE (run_id) FROM versions ORDER BY read_seq"),
        "contracts": query(store, "SELECT uid, read_seq, version_count FROM contracts ORDER BY uid"),
        "rejections": query(store, "SELECT * FROM rejections ORDER BY source_position"),
    }


@pytest.fixture
def cut_everything(monkeypatch):
    """Every body is cut, in as many pieces as the reading threads (three here, whatever the machine)."""
    monkeypatch.setattr(json_layout, "PIECE_MIN_BYTES", 0)
    monkeypatch.setattr(json_layout, "TAIL_SIZE", 8192)
    monkeypatch.setattr(importer, "_threads", lambda connection: 3)
    produced = []

    def recording(*args, **kwargs):
        for chunk in json_layout.json_chunk_files(*args, **kwargs):
            produced.append((chunk, _is_json(chunk.path)))
            yield chunk

    monkeypatch.setattr(importer, "json_chunk_files", recording)
    return produced


def _is_json(path: Path) -> bool:
    try:
        orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError:
        return False
    return True


def import_both_ways(files: list[Path], tmp_path: Path, monkeypatch, cut_everything) -> tuple[dict, dict, list]:
    with monkeypatch.context() as uncut:
        uncut.setattr(importer, "_threads", lambda connection: 1)
        whole_report = import_files(files, tmp_path / "whole")
    cut_everything.clear()
    cut_report = import_files(files, tmp_path / "cut")
    assert_accounting(cut_report)
    assert cut_report.as_dict() | {"quarantine": None} == whole_report.as_dict() | {"quarantine": None}
    return stored(tmp_path / "whole"), stored(tmp_path / "cut"), cut_everything


def test_pieces_give_the_store_of_the_whole_file(tmp_path, monkeypatch, cut_everything):
    rejected = marche(id="")
    files = [
        write_2022(tmp_path / "a.json", records(240)[:120] + [rejected] + records(240)[120:]),
        write_flat(tmp_path / "b.json", records(90)),
    ]

    whole, cut, produced = import_both_ways(files, tmp_path, monkeypatch, cut_everything)

    assert [chunk.continues for chunk, _ in produced] == [False, True, True, False, True, True]
    assert all(valid for _, valid in produced)
    assert cut == whole
    assert [row["source_position"] for row in cut["rejections"]] == [121]


def test_a_wrong_cut_is_undone_and_the_file_read_whole(tmp_path, monkeypatch, cut_everything):
    # Without the record check, the first `}, {"id":` after a cut target is taken: here, one between awardees.
    monkeypatch.setattr(json_layout, "_starts_record", lambda text: True)
    flat = [
        {**record, "titulaires": [{"id": f"8145096260{n:04d}", "typeIdentifiant": "SIRET"} for n in range(5)]}
        for record in records(150)
    ]
    files = [write_flat(tmp_path / "draft.json", flat)]

    whole, cut, produced = import_both_ways(files, tmp_path, monkeypatch, cut_everything)

    assert not all(valid for _, valid in produced)
    assert cut == whole
    assert sorted(path.name for path in (tmp_path / "cut").iterdir()) == sorted(
        path.name for path in (tmp_path / "whole").iterdir()
    )


@pytest.mark.parametrize(
    ("sizes", "count", "expected"),
    [
        ([500, 500, 20], 2, [[0], [1, 2]]),  # two halves of a body, then a small second array
        ([10] * 6, 3, [[0, 1], [2, 3], [4, 5]]),  # many small chunk files (XML)
        ([900, 50, 50], 4, [[0], [1, 2]]),  # no empty group: one large file fills a thread alone
        ([100], 2, [[0]]),
    ],
)
def test_reading_groups_are_consecutive_and_balanced(sizes, count, expected, tmp_path):
    chunks = []
    for number, size in enumerate(sizes):
        path = tmp_path / f"f0000-marche-{number:06d}.json"
        path.write_bytes(b" " * size)
        chunks.append(json_layout.ChunkFile(path, "marche"))

    groups = importer._reading_groups(chunks, count)

    assert [[chunks.index(chunk) for chunk in group] for group in groups] == expected
