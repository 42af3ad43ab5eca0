"""The national coverage of the catalogue on the hand-counted fixture (tests/indicators/factories.py).

Seven marchés (the concession is not one): m4 is in the 2019 format (no considerations, a foreign awardee), m5
has a sentinel amount; offers are published on m1, m2, m3, m5; only m3, m4 and m5 buy products whose origin the
DECP expect (CPV 15, 34, 33), and only m3 publishes it.
"""

import pytest

from spaser.indicators.catalogue import BY_CODE, CATALOGUE, THEME_OF, THEMES
from spaser.indicators.engine import COVERAGE_REASONS, NO_REFERENCE, store_coverage, stores
from tests.indicators.factories import build_store


@pytest.fixture(scope="module")
def coverage(tmp_path_factory):
    with stores(build_store(tmp_path_factory.mktemp("coverage"))) as (connection, refs):
        return store_coverage(connection, refs)


@pytest.mark.parametrize(
    "code, known, base",
    [
        ("E1", 6, 7),  # all but m4
        ("E2", 5, 7),  # in value: m5's amount is left out too
        ("A1", 5, 7),  # m4's awardee has no SIRET, m5's amount is suspect
        ("P3", 4, 7),
        ("P6", 1, 3),  # a share of the marchés concerned by the origin of products only
        ("G5", 7, 7),
    ],
)
def test_coverage_is_the_share_of_marches_whose_input_is_known(coverage, code, known, base):
    assert (coverage.by_code[code].known, coverage.by_code[code].base) == (known, base)
    assert coverage.by_code[code].share == known / base
    assert coverage.by_code[code].reason is None


def test_coverage_spans_every_year_of_the_store(coverage):
    assert (coverage.contracts, coverage.first_year, coverage.last_year) == (7, 2024, 2025)
    assert set(coverage.by_code) == set(BY_CODE)


def test_without_reference_tables_the_awardee_indicators_say_why(tmp_path):
    with stores(build_store(tmp_path, reference=False)) as (connection, refs):
        coverage = store_coverage(connection, refs)

    assert coverage.by_code["A1"].missing == NO_REFERENCE
    assert coverage.by_code["A1"].reason == COVERAGE_REASONS[NO_REFERENCE]
    assert coverage.by_code["E1"].reason is None


def test_every_indicator_has_exactly_one_theme():
    grouped = [code for theme in THEMES for code in theme.codes]

    assert sorted(grouped) == sorted(indicator.code for indicator in CATALOGUE)
    assert len(grouped) == len(set(grouped)) == len(THEME_OF)
