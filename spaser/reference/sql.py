"""SQL macros shared by the reference loaders: identifiers, flags and text as published."""

import duckdb


def _digit(position: int) -> str:
    return f"(ascii(substr(s, {position}, 1)) - 48)"


def _luhn(length: int) -> str:
    """Luhn sum of an all-digit string of `length`: from the right, every second digit is doubled (minus 9)."""
    terms = []
    for position in range(1, length + 1):
        digit = _digit(position)
        doubled = (length - position) % 2 == 1
        terms.append(f"CASE WHEN {digit} < 5 THEN 2 * {digit} ELSE 2 * {digit} - 9 END" if doubled else digit)
    return " + ".join(terms)


_DIGIT_SUM_14 = " + ".join(_digit(position) for position in range(1, 15))

MACROS = (
    # Separators people type or spreadsheets add inside identifiers (spaces, no-break spaces, dots, dashes).
    "CREATE OR REPLACE TEMP MACRO ref_digits(x) AS regexp_replace(trim(x), '[\\s\\x{00A0}\\x{202F}.\\-]', '', 'g')",
    # An identifier that lost its leading zeros (read as a number somewhere) gets them back; others stay as given.
    "CREATE OR REPLACE TEMP MACRO ref_id(x, n) AS CASE WHEN length(x) = n THEN x "
    "WHEN ref_digits(x) = '' THEN NULL "
    "WHEN regexp_full_match(ref_digits(x), '[0-9]+') AND length(ref_digits(x)) < n THEN lpad(ref_digits(x), n, '0') "
    "ELSE ref_digits(x) END",
    f"CREATE OR REPLACE TEMP MACRO ref_siren_ok(s) AS coalesce(regexp_full_match(s, '[0-9]{{9}}') "
    f"AND ({_luhn(9)}) % 10 = 0, false)",
    # La Poste's establishments (SIREN 356000000) use a sum of digits multiple of 5 instead of the Luhn key.
    f"CREATE OR REPLACE TEMP MACRO ref_siret_ok(s) AS coalesce(regexp_full_match(s, '[0-9]{{14}}') "
    f"AND (({_luhn(14)}) % 10 = 0 OR (substr(s, 1, 9) = '356000000' AND ({_DIGIT_SUM_14}) % 5 = 0)), false)",
    # Empty cells and INSEE's mask of non-diffusible personal data are no value.
    "CREATE OR REPLACE TEMP MACRO ref_text(x) AS CASE WHEN trim(x) IN ('', '[ND]') THEN NULL ELSE trim(x) END",
    # O/N of INSEE, True/False of pandas exports, true/false of Parquet booleans; anything else is unknown.
    "CREATE OR REPLACE TEMP MACRO ref_flag(x) AS CASE WHEN lower(trim(x)) IN ('o', 'oui', 'true', '1', 't') "
    "THEN true WHEN lower(trim(x)) IN ('n', 'non', 'false', '0', 'f') THEN false END",
)


def install_macros(connection: duckdb.DuckDBPyConnection) -> None:
    for macro in MACROS:
        connection.execute(macro)


def string(value: str) -> str:
    """`value` as a SQL string literal."""
    return "'" + value.replace("'", "''") + "'"
