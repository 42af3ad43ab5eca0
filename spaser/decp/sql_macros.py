"""DuckDB macros of the DECP normaliser: the value-level cleaning (missing markers, enumerations, SIRET and CPV
checks, dates, numbers, JSON list shapes, flags) that the staging and cleaning SQL of `sql_staging` and `sql` call.
"""

from spaser.decp.enums import NO_CONSIDERATION, UNKNOWN_MARKERS, variant_rows


NUMBER_BOUND = "1e18"  # above any amount or duration, below the largest BIGINT


def sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def install_macros(connection) -> None:
    """Create the cleaning macros on a DuckDB connection."""
    connection.execute(_ENUM_KEY)
    rows = variant_rows()
    keys = connection.execute(
        "SELECT list(enum_key(label)) FROM (SELECT unnest($labels) AS label)", {"labels": [r[1] for r in rows]}
    ).fetchone()[0]
    folded = {f"{enumeration}|{key}": canonical for (enumeration, _, canonical), key in zip(rows, keys, strict=True)}
    exact = {f"{enumeration}|{label}": canonical for enumeration, label, canonical in rows}
    for statement in _macros(exact, folded):
        connection.execute(statement)


def _sql_map(mapping: dict[str, str]) -> str:
    return "MAP {" + ", ".join(f"{sql_string(k)}: {sql_string(v)}" for k, v in mapping.items()) + "}"


_ENUM_KEY = (
    "CREATE OR REPLACE MACRO enum_key(x) AS trim(regexp_replace(strip_accents(lower(replace(replace(x, 'œ', "
    "'oe'), 'Œ', 'oe'))), '[^a-z0-9]+', ' ', 'g'))"
)


def _digit(position: int) -> str:
    return f"(ascii(substr(s, {position}, 1)) - 48)"


# From the right, every second digit is doubled (minus 9 above 9): on 14 digits, the odd positions from the left.
_LUHN_14 = " + ".join(
    f"CASE WHEN {_digit(i)} < 5 THEN 2 * {_digit(i)} ELSE 2 * {_digit(i)} - 9 END" if i % 2 else _digit(i)
    for i in range(1, 15)
)
_DIGIT_SUM_14 = " + ".join(_digit(i) for i in range(1, 15))


def _macros(exact: dict[str, str], folded: dict[str, str]) -> list[str]:
    markers = ", ".join(sql_string(m) for m in UNKNOWN_MARKERS)
    return [
        # NULL for missing values and for producers' "no information" markers.
        # (list_contains, not IN: DuckDB plans IN lists as joins, one per call site.)
        f"CREATE OR REPLACE MACRO informed(x) AS CASE WHEN list_contains(['', {markers}], trim(x)) THEN NULL "
        "ELSE trim(x) END",
        f"CREATE OR REPLACE MACRO enum_exact(e, x) AS ({_sql_map(exact)})[e || '|' || x]",
        f"CREATE OR REPLACE MACRO enum_folded(e, x) AS ({_sql_map(folded)})[e || '|' || enum_key(x)]",
        "CREATE OR REPLACE MACRO enum_value(e, x) AS CASE WHEN informed(x) IS NULL THEN NULL "
        "ELSE coalesce(enum_exact(e, informed(x)), enum_folded(e, informed(x))) END",
        # A value that is present and informed but matches no label of its enumeration.
        "CREATE OR REPLACE MACRO enum_unknown(e, x) AS informed(x) IS NOT NULL AND enum_value(e, x) IS NULL",
        "CREATE OR REPLACE MACRO digits_only(x) AS regexp_replace(x, '[\\s.\\-]', '', 'g')",
        # Luhn check used by INSEE for SIREN and SIRET; La Poste's establishments use a sum of digits mod 5.
        # Luhn check of a 14-digit SIRET (unrolled: list lambdas are ten times slower); La Poste's establishments
        # (SIREN 356000000) use a sum of digits multiple of 5 instead.
        f"CREATE OR REPLACE MACRO siret_ok(s) AS coalesce(regexp_full_match(s, '[0-9]{{14}}') "
        f"AND (({_LUHN_14}) % 10 = 0 OR (substr(s, 1, 9) = '356000000' AND ({_DIGIT_SUM_14}) % 5 = 0)), false)",
        # A SIRET read as a number loses its leading zero: restore it when the padded value passes the check.
        "CREATE OR REPLACE MACRO siret_clean(x) AS CASE WHEN regexp_full_match(digits_only(x), '[0-9]{13}') "
        "AND siret_ok('0' || digits_only(x)) THEN '0' || digits_only(x) ELSE digits_only(x) END",
        "CREATE OR REPLACE MACRO cpv_digits(x) AS regexp_extract(regexp_replace(x, '^INX\\s*', ''), "
        "'^\\s*([0-9]{7,8})', 1)",
        "CREATE OR REPLACE MACRO cpv_clean(x) AS CASE WHEN length(cpv_digits(x)) = 7 THEN '0' || cpv_digits(x) "
        "WHEN length(cpv_digits(x)) = 8 THEN cpv_digits(x) END",
        # Dates: ISO with or without a time zone suffix or a time, or French dd/mm/yyyy (turned into ISO first),
        # of a year from 1990 to 2100. One pass of each function: macros are expanded, and this one runs on every
        # modification and subcontracting act.
        "CREATE OR REPLACE MACRO date_clean(x) AS TRY_CAST(nullif(regexp_extract(regexp_replace(trim(x), "
        "'^([0-9]{2})/([0-9]{2})/([0-9]{4})', '\\3-\\2-\\1'), "
        "'^((?:199[0-9]|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2})', 1), '') AS DATE)",
        # French decimal comma and thousands spaces (`14 700,00`) are read too. NaN, Infinity, 1e400 and
        # thousand-digit numbers parse as NaN or ±inf: `number_possible` drops them with every value of 10^18 or
        # more, and `number_impossible` tells the importer to reject their record (NUMBER_FIELDS).
        "CREATE OR REPLACE MACRO number_parse(x) AS coalesce(TRY_CAST(informed(x) AS DOUBLE), TRY_CAST(replace("
        "regexp_replace(informed(x), '[\\s\u00a0\u202f]', '', 'g'), ',', '.') AS DOUBLE))",
        f"CREATE OR REPLACE MACRO number_possible(v) AS CASE WHEN abs(v) < {NUMBER_BOUND} THEN v END",
        f"CREATE OR REPLACE MACRO number_impossible(v) AS NOT coalesce(abs(v) < {NUMBER_BOUND}, true)",
        "CREATE OR REPLACE MACRO number_clean(x) AS number_possible(number_parse(x))",
        "CREATE OR REPLACE MACRO integer_of(v) AS CAST(ceil(number_possible(v)) AS BIGINT)",
        "CREATE OR REPLACE MACRO integer_clean(x) AS integer_of(number_parse(x))",
        "CREATE OR REPLACE MACRO bool_clean(x) AS CASE lower(informed(x)) WHEN 'true' THEN true WHEN 'oui' THEN "
        "true WHEN '1' THEN true WHEN '1.0' THEN true WHEN 'false' THEN false WHEN 'non' THEN false "
        "WHEN '0' THEN false WHEN '0.0' THEN false END",
        # Sentinels seen in consolidated files: 999999999, 99999999999.99, 12311111111, 123456789…
        "CREATE OR REPLACE MACRO amount_sentinel(a) AS list_contains([999999999, 9999999999, 99999999999.99, "
        "99999999999, 12311111111, 1e17], a) OR starts_with(CAST(CAST(floor(a) AS HUGEINT) AS VARCHAR), '123456789') "
        "OR (a >= 1e8 AND regexp_matches(CAST(CAST(floor(a) AS HUGEINT) AS VARCHAR), '(1{7}|2{7}|3{7}|4{7}"
        "|5{7}|6{7}|7{7}|8{7}|9{7})'))",
        # List elements of the JSON forms: wrapped `[{"titulaire": {...}}]`, flat `[{...}]`, nested `[[{...}]]`,
        # or a single wrapped object `{"titulaire": [...]}` as XML converters write it.
        "CREATE OR REPLACE MACRO json_wrapped(j, wrapper) AS json_extract(j, '$.' || wrapper)",
        "CREATE OR REPLACE MACRO json_list(j) AS CAST(json_extract(j, '$[*]') AS JSON[])",
        "CREATE OR REPLACE MACRO json_items(j, wrapper) AS CASE json_type(j) "
        "WHEN 'ARRAY' THEN flatten(list_transform(json_list(j), lambda e: "
        "CASE WHEN json_type(e) = 'ARRAY' THEN json_list(e) "
        "WHEN json_type(json_wrapped(e, wrapper)) = 'ARRAY' THEN json_list(json_wrapped(e, wrapper)) "
        "ELSE [coalesce(json_wrapped(e, wrapper), e)] END)) "
        "WHEN 'OBJECT' THEN CASE WHEN json_type(json_wrapped(j, wrapper)) = 'ARRAY' "
        "THEN json_list(json_wrapped(j, wrapper)) ELSE [coalesce(json_wrapped(j, wrapper), j)] END END",
        # Label lists: `{"considerationSociale": [...]}` (2022), a flat list (2.0.0 draft), a single string,
        # or a Python-list string "['Clause sociale']" (data.economie CSV). NULL when the field is absent.
        "CREATE OR REPLACE MACRO json_labels(j, wrapper) AS CASE "
        "WHEN j IS NULL OR json_type(j) = 'NULL' THEN NULL "
        "WHEN json_type(j) = 'OBJECT' THEN CASE json_type(json_wrapped(j, wrapper)) WHEN 'ARRAY' THEN "
        "json_extract_string(json_wrapped(j, wrapper), '$[*]') WHEN 'NULL' THEN NULL "
        "ELSE [json_extract_string(j, '$.' || wrapper)] END "
        "WHEN json_type(j) = 'ARRAY' THEN json_extract_string(j, '$[*]') "
        "ELSE text_labels(json_extract_string(j, '$')) END",
        "CREATE OR REPLACE MACRO text_labels(t) AS CASE WHEN t IS NULL THEN NULL "
        "WHEN regexp_matches(trim(t), '^\\[.*\\]$') THEN list_filter(list_transform(string_split(regexp_replace("
        "trim(t), '^\\[|\\]$', '', 'g'), ','), lambda v: trim(trim(v), '''\" ')), lambda v: v <> '') "
        "ELSE list_filter(list_transform(string_split(t, ','), lambda v: trim(v)), lambda v: v <> '') END",
        f"CREATE OR REPLACE MACRO considerations(e, labels) AS CASE WHEN labels IS NULL THEN NULL "
        f"WHEN len(labels) > 0 AND len(list_filter(labels, lambda v: enum_value(e, v) IS NOT NULL)) = 0 THEN NULL "
        f"ELSE list_sort(list_distinct(list_filter(list_transform(labels, lambda v: enum_value(e, v)), "
        f"lambda v: v IS NOT NULL AND v <> '{NO_CONSIDERATION}'))) END",
        "CREATE OR REPLACE MACRO label_set(e, labels) AS CASE WHEN labels IS NULL THEN NULL ELSE "
        "list_sort(list_distinct(list_filter(list_transform(labels, lambda v: enum_value(e, v)), "
        "lambda v: v IS NOT NULL))) END",
        "CREATE OR REPLACE MACRO unknown_labels(e, labels) AS list_filter(coalesce(labels, []), "
        "lambda v: enum_unknown(e, v))",
        "CREATE OR REPLACE MACRO flag(code, field, value) AS {'code': code, 'field': field, 'value': value}",
        # Distinct elements in their first order (list_distinct does not keep it).
        "CREATE OR REPLACE MACRO ordered_distinct(items) AS "
        "list_filter(items, lambda x, i: list_position(items, x) = i)",
    ]
