import io
from pathlib import Path

import orjson
import pytest

from spaser.decp import json_layout
from spaser.decp.json_layout import json_chunk_files
from spaser.decp.json_split import JsonSplitter
from spaser.decp.sources import Input
from spaser.errors import SpaserError


def marche(number: int) -> dict:
    # Strings with brackets, braces, escaped quotes and a key-like text make a naive cut fail.
    return {
        "id": f"2024-{number:04d}",
        "acheteur": {"id": "21750001600019"},
        "objet": f'Lot {number} : "travaux" [phase {{1}}] \\\\ "marche": [',
        "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": "55204599900869"}}],
    }


def concession(number: int) -> dict:
    return {"id": f"C-{number}", "autoriteConcedante": {"id": "21750001600019"}, "valeurGlobale": 1000 + number}


def layouts(count: int) -> dict[str, bytes]:
    marches = [marche(n) for n in range(count)]
    concessions = [concession(n) for n in range(3)]
    pretty = orjson.OPT_INDENT_2
    return {
        "2022-with-concessions": orjson.dumps({"marches": {"marche": marches, "contrat-concession": concessions}}),
        "2022-marches-only": orjson.dumps({"marches": {"marche": marches}}, option=pretty),
        "2022-concessions-first": orjson.dumps({"marches": {"contrat-concession": concessions, "marche": marches}}),
        "2019": orjson.dumps({"marches": marches + concessions}, option=pretty),
        "top-level-array": orjson.dumps(marches),
        "leading-key": orjson.dumps({"meta": {"source": "x"}, "marches": marches}),
        "bom": b"\xef\xbb\xbf" + orjson.dumps({"marches": marches}),
    }


WITH_CONCESSIONS = {"2022-with-concessions", "2022-concessions-first", "2019"}


def records_of(files) -> list[tuple[str | None, dict]]:
    records = []
    for chunk in files:
        records.extend((chunk.kind_hint, record) for record in orjson.loads(chunk.path.read_bytes()))
    return records


def expected_records(data: bytes) -> list[tuple[str | None, dict]]:
    records = []
    for chunk in JsonSplitter(io.BytesIO(data), "ref", block_size=1 << 20).chunks():
        records.extend((chunk.kind_hint, record) for record in orjson.loads(chunk.payload))
    return records


@pytest.mark.parametrize("tail_size", [64, 4096, 1 << 26])
@pytest.mark.parametrize("layout", list(layouts(1)))
def test_every_layout_gives_the_records_of_the_general_splitter(layout, tail_size, tmp_path, monkeypatch):
    monkeypatch.setattr(json_layout, "TAIL_SIZE", tail_size)
    data = layouts(40)[layout]
    source = tmp_path / "input.json"
    source.write_bytes(data)

    records = records_of(json_chunk_files(Input(source), tmp_path, "f0000"))

    expected = expected_records(data.removeprefix(b"\xef\xbb\xbf"))
    assert len(records) == (43 if layout in WITH_CONCESSIONS else 40)
    assert [record for _, record in records] == [record for _, record in expected]
    assert [kind for kind, _ in records] == [kind for kind, _ in expected]


@pytest.mark.parametrize("block_size", [7, 61, 997])
def test_splitter_cuts_the_same_records_whatever_the_block_size(block_size):
    data = layouts(25)["2022-with-concessions"]

    chunks = list(JsonSplitter(io.BytesIO(data), "x", block_size=block_size).chunks())

    records = [record for chunk in chunks for record in orjson.loads(chunk.payload)]
    kinds = [chunk.kind_hint for chunk in chunks for _ in range(chunk.count)]
    assert records == [marche(n) for n in range(25)] + [concession(n) for n in range(3)]
    assert kinds == ["marche"] * 25 + ["concession"] * 3


def test_splitter_names_the_file_and_offset_of_a_truncated_document():
    data = layouts(5)["2019"][:-40]

    with pytest.raises(SpaserError, match=r"^doc\.json : fichier tronqué .* l'octet \d+"):
        list(JsonSplitter(io.BytesIO(data), "doc.json").chunks())


def test_gzip_input_goes_through_the_same_layout(tmp_path):
    import gzip

    data = layouts(12)["2022-with-concessions"]
    source = tmp_path / "input.json.gz"
    source.write_bytes(gzip.compress(data))

    records = records_of(json_chunk_files(Input(Path(source)), tmp_path, "f0000"))

    assert records == expected_records(data)


def draft_marche(number: int) -> dict:
    """2.0.0 draft shape: flat awardee lists whose items open with `id`, the first key of the records too."""
    awardees = [{"id": f"5520459990{index:04d}", "typeIdentifiant": "SIRET"} for index in range(6)]
    return {"id": f"D-{number}", "acheteur": {"id": "21750001600019"}, "titulaires": awardees, "montant": number}


def cut_files(data: bytes, folder: Path, pieces: int) -> list:
    folder.mkdir()
    source = folder / "input.json"
    source.write_bytes(data)
    return list(json_chunk_files(Input(source), folder, "f0000", pieces=pieces))


@pytest.fixture
def small_pieces(monkeypatch):
    monkeypatch.setattr(json_layout, "PIECE_MIN_BYTES", 0)
    monkeypatch.setattr(json_layout, "TAIL_SIZE", 1024)


@pytest.mark.parametrize("layout", ["2022-with-concessions", "2022-marches-only", "2019", "top-level-array", "bom"])
def test_a_body_cut_in_pieces_gives_the_same_records(layout, small_pieces, tmp_path):
    data = layouts(300)[layout]

    chunks = cut_files(data, tmp_path / "cut", pieces=3)

    assert [chunk.continues for chunk in chunks][:3] == [False, True, True]
    records = records_of(chunks)  # each piece is a JSON array of whole records
    expected = expected_records(data.removeprefix(b"\xef\xbb\xbf"))
    assert [record for _, record in records] == [record for _, record in expected]
    assert [kind for kind, _ in records] == [kind for kind, _ in expected]


def test_rejoined_pieces_are_the_uncut_body(small_pieces, tmp_path):
    data = layouts(300)["2022-with-concessions"]
    whole = cut_files(data, tmp_path / "whole", pieces=1)

    rejoined = json_layout.rejoin_pieces(cut_files(data, tmp_path / "cut", pieces=4))

    assert [chunk.path.read_bytes() for chunk in rejoined] == [chunk.path.read_bytes() for chunk in whole]
    left_over = {path.name for path in (tmp_path / "cut").glob("f0000-*")}
    assert left_over == {chunk.path.name for chunk in rejoined}


def test_cuts_fall_between_records_not_between_awardees(small_pieces, tmp_path):
    marches = [draft_marche(n) for n in range(300)]

    chunks = cut_files(orjson.dumps({"marches": marches}), tmp_path / "cut", pieces=4)

    assert len(chunks) == 4
    assert [record for _, record in records_of(chunks)] == marches


def test_small_or_compressed_bodies_are_not_cut(tmp_path, monkeypatch):
    import gzip

    monkeypatch.setattr(json_layout, "TAIL_SIZE", 1024)
    data = layouts(300)["2022-marches-only"]
    plain = cut_files(data, tmp_path / "plain", pieces=4)
    monkeypatch.setattr(json_layout, "PIECE_MIN_BYTES", 0)
    (tmp_path / "gz").mkdir()
    (tmp_path / "gz" / "input.json.gz").write_bytes(gzip.compress(data))

    compressed = list(json_chunk_files(Input(tmp_path / "gz" / "input.json.gz"), tmp_path / "gz", "f0000", pieces=4))

    assert [chunk.continues for chunk in plain] == [False]
    assert [chunk.continues for chunk in compressed] == [False]


def test_no_cut_without_a_verified_record_start(small_pieces, tmp_path, monkeypatch):
    monkeypatch.setattr(json_layout, "RECORD_PROBE", 40)  # no record fits: none can be checked
    data = layouts(300)["2022-marches-only"]

    chunks = cut_files(data, tmp_path / "cut", pieces=3)

    assert [chunk.continues for chunk in chunks] == [False]
    assert [record for _, record in records_of(chunks)] == [record for _, record in expected_records(data)]
