"""Public pages of the national observatory, read from the materialised `observatory.duckdb`."""
