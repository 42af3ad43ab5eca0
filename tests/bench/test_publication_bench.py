"""The biennial publication's benchmark measures the busiest buyer over its last two years with marchés."""

from bench.publication import measure, text
from tests.indicators.factories import SIREN_A, build_store


def test_it_prepares_the_busiest_buyer_s_two_last_years(tmp_path):
    result = measure(build_store(tmp_path), runs=1)

    assert (result["siren"], result["contracts"], result["years"], result["figures"]) == (SIREN_A, 6, [2024, 2025], 24)
    assert text(result).startswith("Biennial publication of the busiest buyer (6 marchés, [2024, 2025])")
