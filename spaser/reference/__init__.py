"""Reference data (SIRENE, inclusive structures, ESUS, geography) loaded into `<store>/reference.duckdb`."""

# The values of `spaser reference import --kind` (their loaders are registered in spaser.reference.kinds).
KIND_NAMES = (
    "sirene-unites-legales",
    "sirene-etablissements",
    "annuaire-entreprises",
    "categories-juridiques",
    "cog-regions",
    "cog-departements",
    "cog-communes",
    "cog-epci",
    "finess-esat",
    "siae",
    "ea",
    "geiq",
    "esus",
)
