"""Every table of the observatory recomputed from the stores, into a new file swapped in at the end."""

from collections.abc import Callable
from pathlib import Path

import duckdb

from spaser.observatory import obligation, profiles, series
from spaser.observatory.store import rebuilding, source_versions


# A builder creates its tables in the new observatory from `decp` and `ref` (attached read-only).
Builder = Callable[[duckdb.DuckDBPyConnection], None]
BUILDERS: tuple[Builder, ...] = (obligation.build, series.build, profiles.build)


def refresh(store: Path, builders: tuple[Builder, ...] = BUILDERS) -> dict[str, str | None]:
    """Rebuild the observatory of `store`; the versions of the files it was computed from."""
    # Read before the files are attached: a store swapped meanwhile makes the observatory look stale, never current.
    versions = source_versions(store)
    with rebuilding(store) as connection:
        for build in builders:
            build(connection)
        connection.execute(
            "CREATE TABLE sources AS SELECT ?::VARCHAR AS decp_version, ?::VARCHAR AS reference_version, "
            "now() AS refreshed_at",
            [versions["decp"], versions["reference"]],
        )
    return versions
