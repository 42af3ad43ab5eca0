"""INSEE SIRENE stocks (StockUniteLegale, StockEtablissement) and the Annuaire des entreprises per-SIREN export.

These files hold 30 to 40 million rows: DuckDB reads them (CSV, CSV in a zip, gzip CSV, Parquet), keeps only the
columns of the tables, and writes them straight into the working database; Python never sees a row.
"""

from spaser.reference.loading import Context, Incoming, Loaded, Table, header_table
from spaser.reference.sources import quoted
from spaser.reference.versions import month_after


UNITES_LEGALES_COLUMNS = (
    "siren",
    "denominationUniteLegale",
    "categorieJuridiqueUniteLegale",
    "categorieEntreprise",
    "economieSocialeSolidaireUniteLegale",
    "societeMissionUniteLegale",
    "trancheEffectifsUniteLegale",
    "activitePrincipaleUniteLegale",
    "etatAdministratifUniteLegale",
)
ETABLISSEMENTS_COLUMNS = (
    "siren",
    "siret",
    "codeCommuneEtablissement",
    "etatAdministratifEtablissement",
    "etablissementSiege",
)
ANNUAIRE_COLUMNS = (
    "siren",
    "nom_complet",
    "nature_juridique",
    "est_ess",
    "est_siae",
    "type_siae",
    "est_societe_mission",
)
COMPANY_CATEGORIES = "('PME', 'ETI', 'GE')"


def load_unites_legales(ctx: Context) -> Loaded:
    with header_table(ctx) as table:
        incoming = Incoming(ctx, "unites_legales", table.position)
        incoming.fill(_unites_legales_select(table))
    loaded = Loaded(0, version=_stock_version(ctx, "dateDernierTraitementUniteLegale"))
    incoming.check_identifier("siren", "siren", "siren", loaded)
    loaded.rows = incoming.replace_all()
    return loaded


def _unites_legales_select(table: Table) -> str:
    c = table.column
    # Entrepreneurs individuels have no denomination: their name is built as INSEE shows it (prénom usuel + nom).
    person = (
        f"nullif(concat_ws(' ', ref_text(coalesce({c('prenomUsuelUniteLegale', required=False)}, "
        f"{c('prenom1UniteLegale', required=False)})), ref_text(coalesce({c('nomUsageUniteLegale', required=False)}, "
        f"{c('nomUniteLegale', required=False)}))), '')"
    )
    return f"""
        SELECT ref_id({c("siren")}, 9),
            coalesce(ref_text({c("denominationUniteLegale")}), {person}),
            ref_text({c("categorieJuridiqueUniteLegale")}),
            {_category(c("categorieEntreprise"))},
            ref_flag({c("economieSocialeSolidaireUniteLegale")}),
            ref_flag({c("societeMissionUniteLegale")}),
            ref_text({c("trancheEffectifsUniteLegale")}),
            ref_text({c("activitePrincipaleUniteLegale")}),
            CASE trim({c("etatAdministratifUniteLegale")}) WHEN 'A' THEN true WHEN 'C' THEN false END
        FROM {table.sql}"""


def load_etablissements(ctx: Context) -> Loaded:
    with header_table(ctx) as table:
        c = table.column
        incoming = Incoming(ctx, "etablissements", table.position)
        incoming.fill(
            f"""
            SELECT ref_id({c("siret")}, 14),
                ref_id({c("siren")}, 9),
                CASE WHEN regexp_full_match(trim({c("codeCommuneEtablissement")}), '[0-9]{{1,4}}')
                    THEN lpad(trim({c("codeCommuneEtablissement")}), 5, '0')
                    ELSE ref_text({c("codeCommuneEtablissement")}) END,
                CASE trim({c("etatAdministratifEtablissement")}) WHEN 'A' THEN true WHEN 'F' THEN false END,
                ref_flag({c("etablissementSiege")})
            FROM {table.sql}"""
        )
    loaded = Loaded(0, version=_stock_version(ctx, "dateDernierTraitementEtablissement"))
    incoming.check_identifier("siret", "siret", "siret", loaded)
    incoming.check_identifier("siren", "siren", "siren", loaded)
    loaded.rows = incoming.replace_all()
    return loaded


def load_annuaire(ctx: Context) -> Loaded:
    with header_table(ctx) as table:
        c = table.column
        category = c("categorie_entreprise", required=False)
        incoming = Incoming(ctx, "annuaire_entreprises", table.position)
        incoming.fill(
            f"""
            SELECT ref_id({c("siren")}, 9),
                ref_flag({c("est_ess")}),
                ref_flag({c("est_siae")}),
                -- "['ACI', 'EI']" (a Python list written as text) → 'ACI,EI'
                nullif(array_to_string(list_sort(regexp_extract_all({c("type_siae")}, '[A-Z]+')), ','), ''),
                ref_flag({c("est_societe_mission")}),
                ref_text({c("nature_juridique")}),
                {_category(category)}
            FROM {table.sql}"""
        )
    loaded = Loaded(0)
    incoming.check_identifier("siren", "siren", "siren", loaded)
    loaded.rows = incoming.replace_all()
    return loaded


def _category(column: str) -> str:
    return f"CASE WHEN trim({column}) IN {COMPANY_CATEGORIES} THEN trim({column}) END"


def _stock_version(ctx: Context, treatment_column: str) -> str | None:
    """`2026-10` for the stock of October: the zip's date, or the month after the last treatment date (Parquet)."""
    source = ctx.source
    if source.zip_date and source.zip_date[0] >= 2000:
        year, month, _day = source.zip_date
        return f"{year}-{month:02d}"
    column = source.column(treatment_column)
    if source.form != "parquet" or column is None:
        return None
    with header_table(ctx) as table:
        latest = ctx.connection.execute(f"SELECT max(CAST({quoted(column)} AS VARCHAR)) FROM {table.sql}").fetchone()[
            0
        ]
    return month_after(latest)
