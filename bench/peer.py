"""Peer method of the DECP import benchmark: the approach of ColinMaudry/decp-processing, reimplemented.

decp-processing (src/tasks/get.py) streams a DECP JSON file with ijson: `items_coro` on the records' prefix, fed
1 MiB chunks, numbers as floats. Each record becomes one flat dict in Python (nested objects flattened with `_`,
awardee lists unwrapped) written as one NDJSON line with orjson; Polars reads that NDJSON afterwards and finishes
the cleaning (src/tasks/clean.py: label lists joined, `NC` to null, `oui`/`1`/`true` to booleans). Here the whole
normalisation is done per record in Python, so that the output is ready to load: that is the work measured.

ijson matches one prefix per pass, and lexing the whole file a second time only to reach the concessions would
almost double the time, so the concessions pass starts at the `"contrat-concession"` key, found from the end of
the file (it holds about 1 % of the records).

Usage: `python -m bench.peer FILE OUT.ndjson`; prints `{"records", "marches", "concessions", "ijson_backend"}`.
"""

import sys
from pathlib import Path
from typing import BinaryIO

import ijson
import orjson

from bench import locate_envelope


CHUNK_SIZE = 1 << 20
MARCHES_PREFIX = "marches.marche.item"
CONCESSIONS_PREFIX = "marches.contrat-concession.item"
CONCESSIONS_HEADER = b'{"marches":{'  # completes the tail of the file, which starts at the concessions key

# Label lists, as `{"considerationSociale": [...]}` (2022), a flat list (2019) or a single string.
LABEL_LISTS = {
    "considerationsSociales": "considerationSociale",
    "considerationsEnvironnementales": "considerationEnvironnementale",
    "techniques": "technique",
    "modalitesExecution": "modaliteExecution",
    "typesPrix": "typePrix",
}
AWARDEE_LISTS = {"titulaires": "titulaire", "concessionnaires": "concessionnaire"}
WRAPPED_LISTS = {
    "actesSousTraitance": "acteSousTraitance",
    "modificationsActesSousTraitance": "modificationActeSousTraitance",
}
BOOLEANS = frozenset({"marcheInnovant", "attributionAvance", "sousTraitanceDeclaree"})
TRUE_TEXTS = frozenset({"true", "1", "1.0", "oui"})
FALSE_TEXTS = frozenset({"false", "0", "0.0", "non"})
NULL_MARKER = "NC"  # "non communiqué", used by producers for any unknown value
SEPARATOR = "_"  # of flattened names, as decp-processing: `acheteur_id`, `lieuExecution_code`


def normalise(record: dict) -> dict:
    """One flat row: nested objects flattened, lists of labels joined, awardees unwrapped, `NC` as null."""
    row = {}
    for key, value in record.items():
        if key in LABEL_LISTS:
            row[key] = joined_labels(value, LABEL_LISTS[key])
        elif key in AWARDEE_LISTS:
            row[key] = awardees(value, AWARDEE_LISTS[key])
        elif key == "modifications":
            row[key] = [modification(item) for item in unwrapped(value, "modification")]
        elif key in WRAPPED_LISTS:
            row[key] = unwrapped(value, WRAPPED_LISTS[key])
        elif isinstance(value, dict):
            flatten(value, key, row)
        elif key in BOOLEANS:
            row[key] = boolean(value)
        else:
            row[key] = None if value == NULL_MARKER else value
    return row


def flatten(value: dict, prefix: str, row: dict) -> None:
    for key, item in value.items():
        name = f"{prefix}{SEPARATOR}{key}"
        if isinstance(item, dict):
            flatten(item, name, row)
        else:
            row[name] = None if item == NULL_MARKER else item


def joined_labels(value, wrapper: str) -> str | None:
    if isinstance(value, dict):
        value = value.get(wrapper)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return None
    return ", ".join(label for label in value if isinstance(label, str) and label != NULL_MARKER) or None


def unwrapped(value, wrapper: str) -> list[dict]:
    """The objects of a list written `[{"w": {...}}]` (2022), `[{...}]` (2019) or `{"w": [...]}` (XML converters)."""
    if isinstance(value, dict):
        value = value.get(wrapper, value)
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        return []
    items = (item.get(wrapper, item) for item in value if isinstance(item, dict))
    return [item for item in items if isinstance(item, dict)]


def awardees(value, wrapper: str) -> list[dict] | None:
    """Awardees `{id, typeIdentifiant}`, also from lists of lists; those without an id are dropped."""
    if isinstance(value, dict):
        value = value.get(wrapper, value)
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        return None
    rows = []
    for item in value:
        for awardee in item if isinstance(item, list) else (item,):
            if isinstance(awardee, dict):
                awardee = awardee.get(wrapper, awardee)
            if isinstance(awardee, dict) and awardee.get("id") not in (None, NULL_MARKER):
                kind = awardee.get("typeIdentifiant")
                rows.append({"id": awardee["id"], "typeIdentifiant": None if kind == NULL_MARKER else kind})
    return rows or None


def modification(value: dict) -> dict:
    row = {key: None if item == NULL_MARKER else item for key, item in value.items()}
    if "titulaires" in value:
        row["titulaires"] = awardees(value["titulaires"], "titulaire")
    return row


def boolean(value) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE_TEXTS:
        return True
    if text in FALSE_TEXTS:
        return False
    return None


def convert(source: Path, target: Path) -> dict:
    envelope = locate_envelope(source)
    with target.open("wb") as sink:
        marches = stream_records(source, 0, b"", MARCHES_PREFIX, sink)
        concessions = stream_records(source, envelope.concessions_key, CONCESSIONS_HEADER, CONCESSIONS_PREFIX, sink)
    return {
        "records": marches + concessions,
        "marches": marches,
        "concessions": concessions,
        "ijson_backend": ijson.backend,
    }


def stream_records(source: Path, offset: int, header: bytes, prefix: str, sink: BinaryIO) -> int:
    records = ijson.sendable_list()
    parser = ijson.items_coro(records, prefix, use_float=True)
    if header:
        parser.send(header)
    written = 0
    with source.open("rb") as file:
        file.seek(offset)
        while chunk := file.read(CHUNK_SIZE):
            # As decp-processing: NaN, written by some producers, is not JSON.
            parser.send(chunk.replace(b"NaN,", b"null,"))
            written += write_rows(records, sink)
    parser.close()
    return written + write_rows(records, sink)


def write_rows(records: list, sink: BinaryIO) -> int:
    for record in records:
        sink.write(orjson.dumps(normalise(record), option=orjson.OPT_APPEND_NEWLINE))
    count = len(records)
    del records[:]
    return count


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m bench.peer FILE OUT.ndjson", file=sys.stderr)
        return 2
    print(orjson.dumps(convert(Path(args[0]), Path(args[1]))).decode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
