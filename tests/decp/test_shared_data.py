"""The real DECP samples of ../shared/data/decp (present on developers' machines and in CI) all import."""

from pathlib import Path

import pytest

from spaser.decp.importer import STATUSES, import_files
from spaser.errors import SpaserError


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
