"""Reference data (SIRENE, inclusive structures, ESUS, geography) loaded into `<store>/reference.duckdb`."""
