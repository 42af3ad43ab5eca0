"""The real DECP samples of ../shared/data/decp (present on developers' machines and in CI) all import."""

import csv
import io
import json
import random
from pathlib import Path

import pytest
from lxml import etree

from spaser.decp.importer import STATUSES, import_files
from spaser.errors import SpaserError
from tests.decp.test_import_order import contents


SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "decp"
# Not DECP records: specifications, provenance notes, and a headerless export (see docs/decisions.md).
NOT_DECP = {"SOURCES.md", "decp-rama-v2-fork_doublons_sample_json_2024-07.csv"}
FILES = sorted(path for path in SHARED.rglob("*") if path.is_file()) if SHARED.is_dir() else []

pytestmark = [
    pytest.mark.shared_data,
    pytest.mark.skipif(not FILES, reason="../shared/data/decp is not present"),
]


def is_decp(path: Path) -> bool:
    return path.name not in NOT_DECP and path.parent.name != "schemas"


def assert_accounted(report) -> None:
    assert report.records_read == sum(getattr(report, status) for status in STATUSES)
    for file in report.files:
        assert file.records_read == sum(getattr(file, status) for status in STATUSES), file


@pytest.mark.parametrize("path", [p for p in FILES if is_decp(p)], ids=lambda p: p.name)
def test_each_real_file_imports_with_every_record_accounted_for(path, tmp_path):
    report = import_files([path], tmp_path / "store")

    assert report.records_read > 0
    assert_accounted(report)
    assert report.store_marches + report.store_concessions == report.new


@pytest.mark.parametrize("path", [p for p in FILES if not is_decp(p)], ids=lambda p: p.name)
def test_files_that_are_not_decp_get_a_french_error_naming_them(path, tmp_path):
    with pytest.raises(SpaserError) as error:
        import_files([path], tmp_path / "store")

    assert str(error.value).startswith(path.name)
    assert not (tmp_path / "store" / "decp.duckdb").exists()


def test_all_real_files_together_then_again_change_no_contract(tmp_path):
    files = [path for path in FILES if is_decp(path)]
    store = tmp_path / "store"

    first = import_files(files, store)
    second = import_files(files, store)

    assert_accounted(first)
    assert first.duplicate > 0 and first.replaced > 0
    assert (second.new, second.replaced) == (0, 0)
    assert second.duplicate == second.records_read - second.rejected
    assert (second.store_marches, second.store_concessions) == (first.store_marches, first.store_concessions)


def shuffled_copy(path: Path, target: Path, seed: int) -> Path:
    """The file with its records (JSON, XML) or rows (CSV) in another order, everything else as it was."""
    rng = random.Random(seed)
    target = target / path.name
    if path.suffix == ".json":
        document = json.loads(path.read_bytes())
        for records in _record_lists(document):
            rng.shuffle(records)
        target.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    elif path.suffix == ".xml":
        tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False))
        records = list(tree.getroot())
        rng.shuffle(records)
        tree.getroot()[:] = records
        tree.write(str(target), encoding="utf-8", xml_declaration=True)
    else:
        text = path.read_text(encoding="utf-8-sig")
        delimiter = max(";|,", key=text.splitlines()[0].count)
        header, *rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        rng.shuffle(rows)
        with open(target, "w", encoding="utf-8-sig", newline="") as out:
            csv.writer(out, delimiter=delimiter).writerows([header, *rows])
    return target


def _record_lists(document) -> list[list]:
    """`{"marches": [...]}`, `{"marches": {"marche": [...], "contrat-concession": [...]}}`: the arrays of records."""
    if not isinstance(document, dict):
        return []
    envelope = document.get("marches")
    if isinstance(envelope, list):
        return [envelope]
    if isinstance(envelope, dict):
        return [value for value in envelope.values() if isinstance(value, list)]
    return []


@pytest.mark.parametrize("path", [p for p in FILES if is_decp(p)], ids=lambda p: p.name)
def test_each_real_file_shuffled_gives_the_same_contracts(path, tmp_path):
    as_published = tmp_path / "as-published"
    import_files([path], as_published)
    stores = []
    for seed in (1, 2):
        (tmp_path / f"copy-{seed}").mkdir()
        import_files([shuffled_copy(path, tmp_path / f"copy-{seed}", seed)], tmp_path / f"store-{seed}")
        stores.append(contents(tmp_path / f"store-{seed}"))

    assert stores[0] == stores[1] == contents(as_published)


def test_all_real_files_in_another_order_give_the_same_contracts(tmp_path):
    files = [path for path in FILES if is_decp(path)]
    import_files(files, tmp_path / "given")
    import_files(random.Random(3).sample(files, len(files)), tmp_path / "shuffled")

    assert contents(tmp_path / "given") == contents(tmp_path / "shuffled")
