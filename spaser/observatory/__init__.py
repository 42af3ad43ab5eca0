"""The national observatory's tables: computed from the DECP and reference stores once per data version by
`spaser observatory refresh`, kept in `<store>/observatory.duckdb`, read by the pages, exports and the API."""
