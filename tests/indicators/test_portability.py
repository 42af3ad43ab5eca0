"""Indicator SQL stays portable: every definition, and the facts it reads, transpile to Spark SQL."""

import pytest
import sqlglot

from spaser.analytics.classes import reference_relations
from spaser.indicators.catalogue import CATALOGUE
from spaser.indicators.engine import aggregates
from spaser.indicators.facts import facts_sql


@pytest.mark.parametrize("indicator", CATALOGUE, ids=lambda indicator: indicator.code)
def test_each_definition_transpiles_to_spark(indicator):
    query = (
        f"SELECT year, {indicator.numerator_sql} AS n, {indicator.denominator_sql} AS d, "
        f"{indicator.known_sql} AS k FROM facts GROUP BY year"
    )

    spark = sqlglot.transpile(query, read="duckdb", write="spark", unsupported_level=sqlglot.ErrorLevel.RAISE)[0]

    assert "SUM(CASE WHEN" in spark or "COUNT(*)" in spark


def test_the_facts_and_the_whole_batch_transpile_to_spark():
    query = f"{facts_sql('kind = ?', reference_relations(set()))} SELECT year, {aggregates()} FROM facts GROUP BY 1"

    spark = sqlglot.transpile(query, read="duckdb", write="spark", unsupported_level=sqlglot.ErrorLevel.RAISE)[0]

    assert "ARRAY_CONTAINS" in spark
