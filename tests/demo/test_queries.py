"""The store queries behind the demonstration SPASER, on the small demo store."""

import pytest

from spaser.demo.queries import HOURS_GROWTH, MIN_CONTRACTS, data_years, insertion_hours, pick_buyer
from spaser.indicators.engine import stores


def test_the_busiest_buyer_of_a_type_is_picked_unless_excluded(demo_store):
    with stores(demo_store) as (connection, _):
        years = data_years(connection)
        first = pick_buyer(connection, "21", years, [])
        second = pick_buyer(connection, "21", years, [first.siren])

    assert first.siren.startswith("21") and first.contracts >= MIN_CONTRACTS
    assert first.sirets and all(siret.startswith(first.siren) for siret in first.sirets)
    assert second.siren != first.siren and second.contracts <= first.contracts


def test_yearly_insertion_hours_grow_at_the_announced_rate(demo_store):
    with stores(demo_store) as (connection, _):
        years = data_years(connection)
        buyer = pick_buyer(connection, "23", years, [])
        hours = insertion_hours(connection, (buyer.siren,), years)

    totals: dict[int, int] = {}
    for row in hours:
        assert row.persons >= 1 and 0 < row.done
        totals[row.year] = totals.get(row.year, 0) + row.done
    assert len(totals) >= 2
    first = min(totals)
    for year, total in totals.items():
        assert total == pytest.approx(totals[first] * (1 + HOURS_GROWTH) ** (year - first), rel=0.01)
