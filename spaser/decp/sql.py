"""DuckDB SQL of the DECP normaliser: staging (one per source shape) then one shared cleaning step.

Staging turns a source shape (JSON records of any format, tabular rows) into `staged` rows of raw
text values and lists. Cleaning turns `staged` rows into the canonical model of `docs/decp-model.md`
and attaches the quality flags. Nothing here changes a value silently: each correction or doubt
becomes a flag `{code, field, value}` stored with the contract.
"""

from spaser.decp.enums import NO_CONSIDERATION, UNKNOWN_MARKERS, variant_rows
from spaser.decp.json_split import MAX_RECORD_BYTES


NUMBER_BOUND = "1e18"  # above any amount or duration, below the largest BIGINT
IMPOSSIBLE = "valeur_impossible"  # the flag of a value that rejects its record


def _sql_string(value: str) -> str:
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
    return "MAP {" + ", ".join(f"{_sql_string(k)}: {_sql_string(v)}" for k, v in mapping.items()) + "}"


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
    markers = ", ".join(_sql_string(m) for m in UNKNOWN_MARKERS)
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


_SCALAR_FIELDS = (
    "_type typeContrat id acheteur.id nature objet codeCPV procedure dureeMois dateNotification dateSignature "
    "dateDebutExecution datePublicationDonnees montant valeurGlobale montantSubventionPublique formePrix "
    "idAccordCadre marcheInnovant ccag offresRecues attributionAvance tauxAvance typeGroupementOperateurs "
    "sousTraitanceDeclaree origineUE origineFrance"
).split()
_NESTED_FIELDS = (
    "acheteur autoriteConcedante lieuExecution typesPrix typePrix techniques technique modalitesExecution "
    "modaliteExecution titulaires concessionnaires considerationsSociales considerationsEnvironnementales "
    "modifications actesSousTraitance modificationsActesSousTraitance"
).split()
# Every nested field as JSON: reads any shape (wrapped or flat lists, nested lists, strings), slowly.
GENERIC_COLUMNS = {**dict.fromkeys(_SCALAR_FIELDS, "VARCHAR"), **dict.fromkeys(_NESTED_FIELDS, "JSON")}

_AWARDEE_STRUCT = "STRUCT(id VARCHAR, typeIdentifiant VARCHAR)"
_MODIFICATION_FIELDS = (
    f"id VARCHAR, dateNotificationModification VARCHAR, dateSignatureModification VARCHAR, "
    f"datePublicationDonneesModification VARCHAR, montant VARCHAR, valeurGlobale VARCHAR, dureeMois VARCHAR, "
    f"titulaires STRUCT(titulaire {_AWARDEE_STRUCT}, id VARCHAR, typeIdentifiant VARCHAR)[]"
)
_SUBCONTRACT_FIELDS = (
    f"id VARCHAR, sousTraitant {_AWARDEE_STRUCT}, dureeMois VARCHAR, dateNotification VARCHAR, "
    "datePublicationDonnees VARCHAR, montant VARCHAR, variationPrix VARCHAR"
)
# The usual shapes (2019 flat lists of objects, 2022 wrapped lists), parsed straight into structs: fast.
# A record of another shape makes DuckDB fail, and the file is read again with GENERIC_COLUMNS.
TYPED_COLUMNS = {
    **dict.fromkeys(_SCALAR_FIELDS, "VARCHAR"),
    "acheteur": "STRUCT(id VARCHAR)",
    "autoriteConcedante": "STRUCT(id VARCHAR)",
    "lieuExecution": "STRUCT(code VARCHAR, typeCode VARCHAR)",
    "typesPrix": "STRUCT(typePrix VARCHAR[])",
    "techniques": "STRUCT(technique VARCHAR[])",
    "modalitesExecution": "STRUCT(modaliteExecution VARCHAR[])",
    "titulaires": f"STRUCT(titulaire {_AWARDEE_STRUCT}, id VARCHAR, typeIdentifiant VARCHAR)[]",
    "concessionnaires": f"STRUCT(concessionnaire {_AWARDEE_STRUCT}, id VARCHAR, typeIdentifiant VARCHAR)[]",
    "considerationsSociales": "STRUCT(considerationSociale VARCHAR[])",
    "considerationsEnvironnementales": "STRUCT(considerationEnvironnementale VARCHAR[])",
    "modifications": f"STRUCT(modification STRUCT({_MODIFICATION_FIELDS}), {_MODIFICATION_FIELDS})[]",
    "actesSousTraitance": f"STRUCT(acteSousTraitance STRUCT({_SUBCONTRACT_FIELDS}), {_SUBCONTRACT_FIELDS})[]",
    "modificationsActesSousTraitance": "STRUCT(modificationActeSousTraitance STRUCT(id VARCHAR), "
    "modificationActesSousTraitance STRUCT(id VARCHAR), id VARCHAR)[]",
}


def json_read(files_sql: str, columns: dict[str, str]) -> str:
    spec = ", ".join(f"{_sql_string(name)}: {_sql_string(kind)}" for name, kind in columns.items())
    return (
        f"read_json({files_sql}, format = 'array', columns = {{{spec}}}, filename = 'chunk_file', "
        f"maximum_object_size = {MAX_RECORD_BYTES})"
    )


def _generic_awardee(t: str) -> str:
    return (
        f"{{'id': trim(json_extract_string({t}, '$.id')), "
        f"'type': trim(json_extract_string({t}, '$.typeIdentifiant'))}}"
    )


def _typed_awardee(t: str, wrapper: str) -> str:
    return (
        f"{{'id': trim(coalesce({t}.{wrapper}.id, {t}.id)), "
        f"'type': trim(coalesce({t}.{wrapper}.typeIdentifiant, {t}.typeIdentifiant))}}"
    )


_GENERIC_NESTED = {
    "buyer_raw": "coalesce(json_extract_string(r.acheteur, '$.id'), "
    "json_extract_string(r.autoriteConcedante, '$.id'), r.\"acheteur.id\")",
    "place_code": "json_extract_string(r.lieuExecution, '$.code')",
    "place_type_raw": "json_extract_string(r.lieuExecution, '$.typeCode')",
    "price_types_raw": "json_labels(coalesce(r.typesPrix, r.typePrix), 'typePrix')",
    "techniques_raw": "json_labels(coalesce(r.techniques, r.technique), 'technique')",
    "execution_modes_raw": "json_labels(coalesce(r.modalitesExecution, r.modaliteExecution), 'modaliteExecution')",
    "social_raw": "json_labels(r.considerationsSociales, 'considerationSociale')",
    "environmental_raw": "json_labels(r.considerationsEnvironnementales, 'considerationEnvironnementale')",
    "awardees_raw": "list_transform(coalesce(json_items(coalesce(r.titulaires, r.concessionnaires), "
    "CASE WHEN r.concessionnaires IS NOT NULL THEN 'concessionnaire' ELSE 'titulaire' END), []), "
    f"lambda t: {_generic_awardee('t')})",
    "modifications_raw": "list_transform(coalesce(json_items(r.modifications, 'modification'), []), lambda m: {"
    "'id': json_extract_string(m, '$.id'), "
    "'notification': coalesce(json_extract_string(m, '$.dateNotificationModification'), "
    "json_extract_string(m, '$.dateSignatureModification')), "
    "'publication': json_extract_string(m, '$.datePublicationDonneesModification'), "
    "'amount': coalesce(json_extract_string(m, '$.montant'), json_extract_string(m, '$.valeurGlobale')), "
    "'duration': json_extract_string(m, '$.dureeMois'), "
    "'awardees': list_transform(coalesce(json_items(json_extract(m, '$.titulaires'), 'titulaire'), []), "
    f"lambda t: {_generic_awardee('t')})}})",
    "subcontracts_raw": "list_transform(coalesce(json_items(r.actesSousTraitance, 'acteSousTraitance'), []), "
    "lambda a: {'id': json_extract_string(a, '$.id'), "
    "'subcontractor_id': trim(json_extract_string(a, '$.sousTraitant.id')), "
    "'subcontractor_type': trim(json_extract_string(a, '$.sousTraitant.typeIdentifiant')), "
    "'duration': json_extract_string(a, '$.dureeMois'), "
    "'notification': json_extract_string(a, '$.dateNotification'), "
    "'publication': json_extract_string(a, '$.datePublicationDonnees'), "
    "'amount': json_extract_string(a, '$.montant'), 'price_variation': json_extract_string(a, '$.variationPrix')})",
    "subcontract_modifications": "len(coalesce(json_items(r.modificationsActesSousTraitance, "
    "'modificationActeSousTraitance'), []))",
}


def _typed_modification(m: str) -> str:
    field = f"coalesce({m}.modification.{{0}}, {m}.{{0}})"
    return (
        f"{{'id': {field.format('id')}, "
        f"'notification': coalesce({field.format('dateNotificationModification')}, "
        f"{field.format('dateSignatureModification')}), "
        f"'publication': {field.format('datePublicationDonneesModification')}, "
        f"'amount': coalesce({field.format('montant')}, {field.format('valeurGlobale')}), "
        f"'duration': {field.format('dureeMois')}, "
        f"'awardees': list_transform(coalesce(coalesce({m}.modification.titulaires, {m}.titulaires), []), "
        f"lambda t: {_typed_awardee('t', 'titulaire')})}}"
    )


def _typed_subcontract(a: str) -> str:
    field = f"coalesce({a}.acteSousTraitance.{{0}}, {a}.{{0}})"
    return (
        f"{{'id': {field.format('id')}, "
        f"'subcontractor_id': trim({field.format('sousTraitant')}.id), "
        f"'subcontractor_type': trim({field.format('sousTraitant')}.typeIdentifiant), "
        f"'duration': {field.format('dureeMois')}, 'notification': {field.format('dateNotification')}, "
        f"'publication': {field.format('datePublicationDonnees')}, 'amount': {field.format('montant')}, "
        f"'price_variation': {field.format('variationPrix')}}}"
    )


_TYPED_NESTED = {
    "buyer_raw": 'coalesce(r.acheteur.id, r.autoriteConcedante.id, r."acheteur.id")',
    "place_code": "r.lieuExecution.code",
    "place_type_raw": "r.lieuExecution.typeCode",
    "price_types_raw": "r.typesPrix.typePrix",
    "techniques_raw": "r.techniques.technique",
    "execution_modes_raw": "r.modalitesExecution.modaliteExecution",
    "social_raw": "r.considerationsSociales.considerationSociale",
    "environmental_raw": "r.considerationsEnvironnementales.considerationEnvironnementale",
    "awardees_raw": "CASE WHEN r.concessionnaires IS NOT NULL THEN list_transform(r.concessionnaires, "
    f"lambda t: {_typed_awardee('t', 'concessionnaire')}) ELSE list_transform(coalesce(r.titulaires, []), "
    f"lambda t: {_typed_awardee('t', 'titulaire')}) END",
    "modifications_raw": f"list_transform(coalesce(r.modifications, []), lambda m: {_typed_modification('m')})",
    "subcontracts_raw": f"list_transform(coalesce(r.actesSousTraitance, []), lambda a: {_typed_subcontract('a')})",
    "subcontract_modifications": "len(coalesce(r.modificationsActesSousTraitance, []))",
}

_STAGE_SCALARS = {
    "id_raw": "r.id",
    "nature_raw": "r.nature",
    "objet": "r.objet",
    "cpv_raw": "r.codeCPV",
    "procedure_raw": "r.procedure",
    "duration_raw": "r.dureeMois",
    "notification_raw": "coalesce(r.dateNotification, r.dateSignature)",
    "publication_raw": "r.datePublicationDonnees",
    "execution_start_raw": "r.dateDebutExecution",
    "amount_raw": "coalesce(r.montant, r.valeurGlobale)",
    "subsidy_raw": "r.montantSubventionPublique",
    "price_form_raw": "r.formePrix",
    "framework_id": "r.idAccordCadre",
    "innovative_raw": "r.marcheInnovant",
    "ccag_raw": "r.ccag",
    "offers_raw": "r.offresRecues",
    "advance_raw": "r.attributionAvance",
    "advance_rate_raw": "r.tauxAvance",
    "grouping_raw": "r.typeGroupementOperateurs",
    "subcontracting_declared_raw": "r.sousTraitanceDeclaree",
    "origin_eu_raw": "r.origineUE",
    "origin_france_raw": "r.origineFrance",
}


def staged_json(files_sql: str, typed: bool) -> str:
    """Staging of JSON records (formats 2019, 2022, 2.0.0 draft, and XML converted to the 2022 JSON shape).

    Read with `preserve_insertion_order`, the rows keep the order of the files and of the records in them.
    """
    nested = _TYPED_NESTED if typed else _GENERIC_NESTED
    source = json_read(files_sql, TYPED_COLUMNS if typed else GENERIC_COLUMNS)
    columns = ",\n    ".join(f"{expression} AS {name}" for name, expression in {**_STAGE_SCALARS, **nested}.items())
    return rf"""
SELECT
    CASE WHEN r.kind_hint = 'concession' OR r.autoriteConcedante IS NOT NULL
              OR r._type ILIKE 'contrat%' OR r.typeContrat ILIKE '%concession%' THEN 'concession'
         ELSE 'marche' END AS kind,
    r.file_index,
    {columns}
FROM (
    SELECT *,
        CAST(regexp_extract(chunk_file, '/f([0-9]+)-[a-z]+-[0-9]+\.json$', 1) AS INTEGER) AS file_index,
        regexp_extract(chunk_file, '-([a-z]+)-[0-9]+\.json$', 1) AS kind_hint
    FROM {source}
) AS r
"""


# Reading position of each staged record in its source file (1-based) and in the whole import.
POSITIONS = """
CREATE OR REPLACE TEMP TABLE positions AS
SELECT file_index, min(ordinal) AS first_ordinal FROM staged GROUP BY file_index
"""


# Enumerated fields of a record: canonical labels come from the per-value dictionaries below.
ENUM_FIELDS = {  # staged column: (enumeration, canonical column, field named in flags)
    "nature_raw": ("nature", "nature", "nature"),
    "procedure_raw": ("procedure", "procedure", "procedure"),
    "price_form_raw": ("formePrix", "formePrix", "formePrix"),
    "ccag_raw": ("ccag", "ccag", "ccag"),
    "grouping_raw": ("typeGroupementOperateurs", "typeGroupementOperateurs", "typeGroupementOperateurs"),
    "place_type_raw": ("typeCode", "lieuExecution_typeCode", "lieuExecution.typeCode"),
}
LABEL_FIELDS = {  # staged column: (enumeration, canonical column)
    "price_types_raw": ("typePrix", "typesPrix"),
    "techniques_raw": ("technique", "techniques"),
    "execution_modes_raw": ("modaliteExecution", "modalitesExecution"),
    "social_raw": ("considerationSociale", "considerationsSociales"),
    "environmental_raw": ("considerationEnvironnementale", "considerationsEnvironnementales"),
}


SCALAR_DOMAINS = (
    ("siret", "buyer_raw"),
    ("siret", "unnest(list_transform(awardees_raw, lambda t: t.id))"),
    ("siret", "unnest(list_transform(subcontracts_raw, lambda a: a.subcontractor_id))"),
    ("cpv", "cpv_raw"),
    ("date", "notification_raw"),
    ("date", "publication_raw"),
    ("date", "execution_start_raw"),
    *((enumeration, column) for column, (enumeration, _, _) in ENUM_FIELDS.items()),
    ("typeIdentifiant", "unnest(list_transform(awardees_raw, lambda t: t.type))"),
    ("typeIdentifiant", "unnest(list_transform(subcontracts_raw, lambda a: a.subcontractor_type))"),
    ("variationPrix", "unnest(list_transform(subcontracts_raw, lambda a: a.price_variation))"),
)


def _distinct_values(domains) -> str:
    branches = " UNION ALL ".join(
        f"SELECT '{domain}' AS domain, {expression} AS raw FROM staged" for domain, expression in domains
    )
    return f"SELECT DISTINCT domain, raw FROM ({branches})"


# Expensive checks (Luhn, check digits, folded enumerations) run once per distinct raw value, not per record.
SCALAR_VALUES = f"""
CREATE OR REPLACE TEMP TABLE scalar_values AS
SELECT domain, raw, value,
    CASE domain
        WHEN 'siret' THEN CASE WHEN NOT siret_ok(value) THEN 'siret_invalide'
                               WHEN value <> raw THEN 'siret_corrige' END
        WHEN 'cpv' THEN CASE WHEN informed(raw) IS NOT NULL AND value IS NULL THEN 'cpv_invalide'
                             WHEN length(cpv_digits(raw)) = 7 THEN 'cpv_zero_restaure' END
        WHEN 'date' THEN CASE WHEN informed(raw) IS NOT NULL AND value IS NULL THEN 'date_impossible'
                              WHEN CAST(value AS DATE) > current_date THEN 'date_future' END
        ELSE CASE WHEN enum_unknown(domain, raw) THEN 'valeur_inconnue' END
    END AS flag
FROM (
    SELECT domain, raw, CASE domain
        WHEN 'siret' THEN siret_clean(raw)
        WHEN 'cpv' THEN cpv_clean(raw)
        WHEN 'date' THEN CAST(date_clean(raw) AS VARCHAR)
        ELSE enum_value(domain, raw) END AS value
    FROM ({_distinct_values(SCALAR_DOMAINS)}) WHERE raw IS NOT NULL)
"""


def _label_value(enumeration: str, column: str) -> str:
    function = "considerations" if enumeration.startswith("consideration") else "label_set"
    return f"{function}('{enumeration}', {column})"


_LABEL_CASES = " ".join(f"WHEN '{e}' THEN {_label_value(e, 'raw')}" for e, _ in LABEL_FIELDS.values())
_LABEL_RAWS = " UNION ".join(
    f"SELECT '{e}' AS domain, {raw} AS raw FROM staged" for raw, (e, _) in LABEL_FIELDS.items()
)
LIST_VALUES = f"""
CREATE OR REPLACE TEMP TABLE list_values AS
SELECT domain, raw, value, unknown_labels(domain, raw) AS unknown
FROM (SELECT domain, raw, CASE domain {_LABEL_CASES} END AS value FROM ({_LABEL_RAWS}) WHERE raw IS NOT NULL)
"""

_COMBO_COLUMNS = [
    *(f"e{i}.value AS {canonical}" for i, (_, canonical, _) in enumerate(ENUM_FIELDS.values())),
    *(f"l{i}.value AS {canonical}" for i, (_, canonical) in enumerate(LABEL_FIELDS.values())),
]
_COMBO_FLAGS = (
    "list_filter(["
    + ", ".join(
        f"CASE WHEN e{i}.flag IS NOT NULL THEN flag(e{i}.flag, '{field}', c.{raw}) END"
        for i, (raw, (_, _, field)) in enumerate(ENUM_FIELDS.items())
    )
    + "], lambda f: f IS NOT NULL) || flatten(["
    + ", ".join(
        f"list_transform(coalesce(l{i}.unknown, []), lambda v: flag('valeur_inconnue', '{canonical}', v))"
        for i, (_, canonical) in enumerate(LABEL_FIELDS.values())
    )
    + "])"
)
_COMBO_JOINS = "\n".join(
    [
        f"LEFT JOIN scalar_values e{i} ON e{i}.domain = '{e}' AND e{i}.raw = c.{raw}"
        for i, (raw, (e, _, _)) in enumerate(ENUM_FIELDS.items())
    ]
    + [
        f"LEFT JOIN list_values l{i} ON l{i}.domain = '{e}' AND l{i}.raw = c.{raw}"
        for i, (raw, (e, _)) in enumerate(LABEL_FIELDS.items())
    ]
)
# One row per distinct combination of a record's raw labels, cleaned by joining the per-value dictionaries,
# then joined back to the records once: eleven joins on every record cost more than the cleaning itself.
ENUM_COMBOS = f"""
CREATE OR REPLACE TEMP TABLE enum_combos AS
SELECT c.*, {", ".join(_COMBO_COLUMNS)}, {_COMBO_FLAGS} AS enum_flags
FROM (SELECT DISTINCT {", ".join([*ENUM_FIELDS, *LABEL_FIELDS])} FROM staged) c
{_COMBO_JOINS}
"""


def _resolved_type(id_sql: str, type_value: str) -> str:
    """The canonical identifier type; a 13- or 14-digit identifier published without one is taken as a SIRET."""
    siret_like = f"regexp_full_match(digits_only({id_sql}), '[0-9]{{13,14}}')"
    return f"coalesce({type_value}, CASE WHEN {siret_like} THEN 'SIRET' END)"


def _awardee(id_sql: str, type_sql: str, siret: str, kind: str) -> tuple[str, str]:
    """The cleaned awardee struct and its flags list, from the dictionary rows `siret` and `kind`."""
    resolved = _resolved_type(id_sql, f"{kind}.value")
    struct = (
        f"{{'id': CASE WHEN {resolved} = 'SIRET' THEN coalesce({siret}.value, {id_sql}) ELSE {id_sql} END, "
        f"'typeIdentifiant': {resolved}}}"
    )
    flags = (
        f"[CASE WHEN {resolved} = 'SIRET' AND {siret}.flag IS NOT NULL "
        f"THEN flag({siret}.flag, 'titulaires.id', {id_sql}) END, "
        f"CASE WHEN {kind}.flag IS NOT NULL THEN flag({kind}.flag, 'titulaires.typeIdentifiant', {type_sql}) END]"
    )
    return struct, flags


_LISTED_AWARDEE = _awardee("a.t.id", "a.t.type", "si", "ty")
_SINGLE_AWARDEE = _awardee("s.awardees_raw[1].id", "s.awardees_raw[1].type", "a1_siret", "a1_type")

# Most contracts have one awardee, resolved by two joins in CLEAN; lists of several are unnested here.
# Unnested items go back in list order by sorting structs that lead with their rank: `list(… ORDER BY rank)`
# costs several times more.
STAGED_AWARDEES = f"""
CREATE OR REPLACE TEMP TABLE staged_awardees AS
SELECT ordinal, list_transform(items, lambda i: i.awardee) AS titulaires,
    flatten(list_transform(items, lambda i: i.flags)) AS awardee_flags
FROM (
    SELECT a.ordinal,
        list_sort(list({{'rank': a.rank, 'awardee': {_LISTED_AWARDEE[0]}, 'flags': {_LISTED_AWARDEE[1]}}})) AS items
    FROM (SELECT ordinal, unnest(awardees_raw) AS t, generate_subscripts(awardees_raw, 1) AS rank
          FROM staged WHERE len(awardees_raw) > 1) a
    LEFT JOIN scalar_values si ON si.domain = 'siret' AND si.raw = a.t.id
    LEFT JOIN scalar_values ty ON ty.domain = 'typeIdentifiant' AND ty.raw = a.t.type
    GROUP BY a.ordinal)
"""

# Modifications and subcontracting acts are rare: cleaned apart, then joined back as lists.
# A modification needs no dictionary: cleaned item by item in its list, which keeps its order without a sort.
# The CASE spares the empty awardee lists the lambda: its expanded SIRET macros cost even on an empty list.
STAGED_MODIFICATIONS = f"""
CREATE OR REPLACE TEMP TABLE staged_modifications AS
SELECT ordinal, list_transform(modifications_raw, lambda m: {{
    'id': integer_clean(m.id),
    'dateNotificationModification': date_clean(m.notification),
    'datePublicationDonneesModification': date_clean(m.publication),
    'montant': number_clean(m.amount),
    'dureeMois': integer_clean(m.duration),
    'titulaires': CASE WHEN len(m.awardees) > 0 THEN
        list_transform(m.awardees, lambda t: {{'id': siret_clean(t.id), 'typeIdentifiant': t.type}}) ELSE [] END
}}) AS modifications,
    list_filter(flatten(list_transform(modifications_raw, lambda m: [
        CASE WHEN number_impossible(number_parse(m.id)) THEN flag('{IMPOSSIBLE}', 'modifications.id', m.id) END,
        CASE WHEN number_impossible(number_parse(m.amount))
             THEN flag('{IMPOSSIBLE}', 'modifications.montant', m.amount) END,
        CASE WHEN number_impossible(number_parse(m.duration))
             THEN flag('{IMPOSSIBLE}', 'modifications.dureeMois', m.duration) END])), lambda f: f IS NOT NULL)
        AS impossible
FROM staged WHERE len(modifications_raw) > 0
"""

STAGED_SUBCONTRACTS = f"""
CREATE OR REPLACE TEMP TABLE staged_subcontracts AS
SELECT ordinal, list_transform(list_sort(list({{'rank': rank, 'act': {{
    'id': integer_clean(a.id),
    'sousTraitant_id': coalesce(sub.value, a.subcontractor_id),
    'sousTraitant_typeIdentifiant': sub_type.value,
    'dureeMois': integer_clean(a.duration),
    'dateNotification': date_clean(a.notification),
    'datePublicationDonnees': date_clean(a.publication),
    'montant': number_clean(a.amount),
    'variationPrix': variation.value
}}}})), lambda i: i.act) AS actesSousTraitance,
    list_filter(flatten(list([
        CASE WHEN number_impossible(number_parse(a.id)) THEN flag('{IMPOSSIBLE}', 'actesSousTraitance.id', a.id) END,
        CASE WHEN number_impossible(number_parse(a.amount))
             THEN flag('{IMPOSSIBLE}', 'actesSousTraitance.montant', a.amount) END,
        CASE WHEN number_impossible(number_parse(a.duration))
             THEN flag('{IMPOSSIBLE}', 'actesSousTraitance.dureeMois', a.duration) END])), lambda f: f IS NOT NULL)
        AS impossible
FROM (SELECT ordinal, unnest(subcontracts_raw) AS a, generate_subscripts(subcontracts_raw, 1) AS rank
      FROM staged WHERE len(subcontracts_raw) > 0) acts
LEFT JOIN scalar_values sub ON sub.domain = 'siret' AND sub.raw = acts.a.subcontractor_id
LEFT JOIN scalar_values sub_type ON sub_type.domain = 'typeIdentifiant' AND sub_type.raw = acts.a.subcontractor_type
LEFT JOIN scalar_values variation ON variation.domain = 'variationPrix' AND variation.raw = acts.a.price_variation
GROUP BY ordinal
"""

# Numeric fields of a record: field → (staged column, may be negative). An impossible value (not a finite number
# under NUMBER_BOUND, or negative where it cannot be) rejects the record: NaN or 10^26 months is no data to keep.
NUMBER_FIELDS = {
    "montant": ("amount_raw", True),
    "dureeMois": ("duration_raw", False),
    "montantSubventionPublique": ("subsidy_raw", True),
    "offresRecues": ("offers_raw", False),
    "tauxAvance": ("advance_rate_raw", True),
    "origineUE": ("origin_eu_raw", True),
    "origineFrance": ("origin_france_raw", True),
}


def _impossible(raw: str, signed: bool) -> str:
    number = f"{raw}_number"
    return f"number_impossible({number})" if signed else f"(number_impossible({number}) OR {number} < 0)"


_PARSED_NUMBERS = ", ".join(f"number_parse({raw}) AS {raw}_number" for raw, _ in NUMBER_FIELDS.values())
# The first impossible scalar number of a record as a flag (one CASE per record, not one list item per field).
_IMPOSSIBLE_SCALAR = (
    "CASE "
    + " ".join(
        f"WHEN {_impossible(raw, signed)} THEN flag('{IMPOSSIBLE}', '{field}', {raw})"
        for field, (raw, signed) in NUMBER_FIELDS.items()
    )
    + " END"
)

_SCALAR_JOINS = {
    "buyer": ("siret", "buyer_raw"),
    "cpv": ("cpv", "cpv_raw"),
    "notified": ("date", "notification_raw"),
    "published": ("date", "publication_raw"),
    "started": ("date", "execution_start_raw"),
}
_JOINS = "\n".join(
    [
        f"LEFT JOIN scalar_values {alias} ON {alias}.domain = '{domain}' AND {alias}.raw = s.{column}"
        for alias, (domain, column) in _SCALAR_JOINS.items()
    ]
    + [
        "LEFT JOIN enum_combos ec ON "
        + " AND ".join(f"ec.{raw} IS NOT DISTINCT FROM s.{raw}" for raw in [*ENUM_FIELDS, *LABEL_FIELDS])
    ]
    + ["LEFT JOIN staged_awardees aw ON aw.ordinal = s.ordinal"]
    + ["LEFT JOIN scalar_values a1_siret ON a1_siret.domain = 'siret' AND a1_siret.raw = s.awardees_raw[1].id"]
    + [
        "LEFT JOIN scalar_values a1_type ON a1_type.domain = 'typeIdentifiant' "
        "AND a1_type.raw = s.awardees_raw[1].type"
    ]
    + ["LEFT JOIN staged_modifications mo ON mo.ordinal = s.ordinal"]
    + ["LEFT JOIN staged_subcontracts su ON su.ordinal = s.ordinal"]
)
_SCALAR_FLAGS = {
    "cpv": ("codeCPV", "cpv_raw"),
    "notified": ("dateNotification", "notification_raw"),
    "published": ("datePublicationDonnees", "publication_raw"),
}
# One flag or NULL each: gathered in a single list literal, then filtered.
_SCALAR_FLAG_EXPRESSIONS = [
    *(
        f"CASE WHEN {alias}.flag IS NOT NULL THEN flag({alias}.flag, '{field}', s.{column}) END"
        for alias, (field, column) in _SCALAR_FLAGS.items()
    ),
    "CASE WHEN buyer.flag IS NOT NULL THEN flag(buyer.flag, CASE s.kind WHEN 'marche' THEN 'acheteur.id' "
    "ELSE 'autoriteConcedante.id' END, s.buyer_raw) END",
    "CASE WHEN starts_with(trim(s.id_raw), 'INX') THEN flag('valeur_inexacte', 'id', s.id_raw) END",
    "CASE WHEN informed(s.notification_raw) IS NULL THEN flag('date_manquante', "
    "CASE s.kind WHEN 'marche' THEN 'dateNotification' ELSE 'dateSignature' END, NULL) END",
    "CASE WHEN CAST(published.value AS DATE) < CAST(notified.value AS DATE) "
    "THEN flag('publication_avant_notification', 'datePublicationDonnees', s.publication_raw) END",
    "CASE WHEN informed(s.amount_raw) IS NULL THEN flag('montant_manquant', 'montant', NULL) "
    "WHEN amount IS NULL THEN flag('montant_illisible', 'montant', s.amount_raw) "
    "WHEN amount <= 0 THEN flag('montant_nul_ou_negatif', 'montant', s.amount_raw) "
    "WHEN amount_sentinel(amount) THEN flag('montant_sentinelle', 'montant', s.amount_raw) "
    "WHEN amount >= 1e9 THEN flag('montant_aberrant', 'montant', s.amount_raw) END",
    "CASE WHEN contains(s.objet, '\ufffd') THEN flag('encodage_defectueux', 'objet', NULL) END",
    "s.impossible",
]
_LIST_FLAG_EXPRESSIONS = [
    "ec.enum_flags",
    "mo.impossible",
    "su.impossible",
    f"CASE len(s.awardees_raw) WHEN 0 THEN [] WHEN 1 THEN {_SINGLE_AWARDEE[1]} ELSE aw.awardee_flags END",
]
_FLAGS = (
    f"list_filter([{', '.join(_SCALAR_FLAG_EXPRESSIONS)}], lambda f: f IS NOT NULL) || "
    f"list_filter(flatten([{', '.join(f'coalesce({e}, [])' for e in _LIST_FLAG_EXPRESSIONS)}]), "
    "lambda f: f IS NOT NULL)"
)

# The canonical columns, named as in the official schemas (concessions: montant = valeurGlobale,
# dateNotification = dateSignature), plus provenance and flags.
CLEAN = f"""
SELECT
    s.kind,
    coalesce(buyer.value, s.buyer_raw) AS acheteur_id,
    regexp_replace(trim(s.id_raw), '^INX\\s*', '') AS id,
    ec.nature,
    s.objet,
    cpv.value AS codeCPV,
    ec.procedure,
    informed(s.place_code) AS lieuExecution_code,
    ec.lieuExecution_typeCode,
    integer_of(s.duration_raw_number) AS dureeMois,
    CAST(notified.value AS DATE) AS dateNotification,
    CAST(published.value AS DATE) AS datePublicationDonnees,
    CAST(started.value AS DATE) AS dateDebutExecution,
    amount AS montant,
    number_possible(s.subsidy_raw_number) AS montantSubventionPublique,
    ec.formePrix,
    ec.typesPrix,
    ec.techniques,
    ec.modalitesExecution,
    informed(s.framework_id) AS idAccordCadre,
    bool_clean(s.innovative_raw) AS marcheInnovant,
    ec.ccag,
    integer_of(s.offers_raw_number) AS offresRecues,
    bool_clean(s.advance_raw) AS attributionAvance,
    number_possible(s.advance_rate_raw_number) AS tauxAvance,
    ec.typeGroupementOperateurs,
    bool_clean(s.subcontracting_declared_raw) AS sousTraitanceDeclaree,
    number_possible(s.origin_eu_raw_number) AS origineUE,
    number_possible(s.origin_france_raw_number) AS origineFrance,
    ec.considerationsSociales,
    ec.considerationsEnvironnementales,
    CASE len(s.awardees_raw) WHEN 0 THEN [] WHEN 1 THEN [{_SINGLE_AWARDEE[0]}] ELSE aw.titulaires END AS titulaires,
    coalesce(mo.modifications, []) AS modifications,
    coalesce(su.actesSousTraitance, []) AS actesSousTraitance,
    s.subcontract_modifications AS nombreModificationsActesSousTraitance,
    {_FLAGS} AS flags,
    CASE WHEN informed(s.buyer_raw) IS NULL THEN
              CASE s.kind WHEN 'marche' THEN 'acheteur.id' ELSE 'autoriteConcedante.id' END
         WHEN informed(s.id_raw) IS NULL THEN 'id'
         WHEN s.impossible IS NOT NULL THEN s.impossible.field
         WHEN len(mo.impossible) > 0 THEN mo.impossible[1].field
         WHEN len(su.impossible) > 0 THEN su.impossible[1].field END AS rejected_field,
    f.source_file,
    s.ordinal - p.first_ordinal + 1 AS source_position,
    f.read_base + s.ordinal - p.first_ordinal + 1 AS read_seq
FROM (SELECT *, number_possible(amount_raw_number) AS amount, {_IMPOSSIBLE_SCALAR} AS impossible
      FROM (SELECT *, {_PARSED_NUMBERS} FROM staged)) s
JOIN positions p ON p.file_index = s.file_index
JOIN sources f ON f.file_index = s.file_index
{_JOINS}
"""

# Why a record is rejected (quarantine and table `rejections`), from its `rejected_field` and, for an impossible
# number, the value (`impossible_value`, cut to 40 characters).
REJECTION_REASON = """CASE WHEN impossible_value IS NULL
    THEN 'champ « ' || rejected_field || ' » absent ou vide : le contrat ne peut pas être identifié'
    ELSE 'champ « ' || rejected_field || ' » : valeur impossible « '
        || CASE WHEN length(impossible_value) > 40 THEN left(impossible_value, 40) || '…' ELSE impossible_value END
        || ' » (nombre non fini, d''au moins 10^18, ou négatif pour une durée ou un nombre d''offres) : '
        || 'l''enregistrement est mis de côté' END"""

# Fields of a version that make it different from another: everything but provenance and publication date.
CONTENT_COLUMNS = (
    "kind, acheteur_id, id, nature, objet, codeCPV, procedure, lieuExecution_code, lieuExecution_typeCode, "
    "dureeMois, dateNotification, dateDebutExecution, montant, montantSubventionPublique, formePrix, typesPrix, "
    "techniques, modalitesExecution, idAccordCadre, marcheInnovant, ccag, offresRecues, attributionAvance, "
    "tauxAvance, typeGroupementOperateurs, sousTraitanceDeclaree, origineUE, origineFrance, "
    "considerationsSociales, considerationsEnvironnementales, titulaires, modifications, actesSousTraitance, "
    "nombreModificationsActesSousTraitance"
)

# The identity rule (importer, docs/decp-model.md): versions of one key are compared on their notification date,
# initial amount and awardees, as SIRENs so that a corrected establishment is the same awardee (other identifiers
# as published); lots are labelled with the awardees' SIRETs.
CONTRACT_KEY = "kind, acheteur_id, id"
# A contract's uid, from its key and its `lot` ('' unless its id was split).
UID = "concat_ws('|', kind, acheteur_id, id) || CASE WHEN lot <> '' THEN '|' || lot ELSE '' END"
AWARDEE_SIRENS = (
    "array_to_string(list_sort(list_distinct(list_transform(titulaires, lambda t: CASE WHEN t.typeIdentifiant = "
    "'SIRET' THEN substr(t.id, 1, 9) ELSE coalesce(t.id, '?') END))), '+')"
)
AWARDEE_SIRETS = "array_to_string(list_sort(list_transform(titulaires, lambda t: coalesce(t.id, '?'))), '+')"

# Readers see contracts through views over `versions` and the narrow `current_versions` index,
# so an import writes each version once. `rejected_field` is only set while an import runs.
CONTRACT_VIEWS = (
    """
    CREATE OR REPLACE VIEW contracts AS
    SELECT v.* EXCLUDE (flags, rejected_field), c.uid, c.lot, c.version_count,
           substr(v.acheteur_id, 1, 9) AS acheteur_siren,
           year(v.dateNotification) AS annee_notification,
           coalesce(list_last(list_filter(v.modifications, lambda m: m.montant IS NOT NULL)).montant, v.montant)
               AS montant_actuel,
           CASE WHEN c.lot <> '' THEN list_append(v.flags,
                    {'code': 'identifiant_reutilise_lots', 'field': 'id', 'value': v.id})
                ELSE v.flags END AS flags
    FROM versions v JOIN current_versions c USING (read_seq)
    """,
    """
    CREATE OR REPLACE VIEW contract_awardees AS
    SELECT uid, kind, acheteur_siren, annee_notification, awardee.rank, awardee.id, awardee.typeIdentifiant,
           awardee.typeIdentifiant = 'SIRET' AND siret_ok(awardee.id) AS siret_valide
    FROM (SELECT uid, kind, acheteur_siren, annee_notification,
                 unnest(list_transform(titulaires, lambda t, i: {'rank': i, 'id': t.id,
                        'typeIdentifiant': t.typeIdentifiant})) AS awardee FROM contracts)
    """,
    "CREATE OR REPLACE VIEW contract_modifications AS "
    "SELECT uid, unnest(modifications, recursive := true) FROM contracts",
    "CREATE OR REPLACE VIEW contract_subcontracts AS "
    "SELECT uid, unnest(actesSousTraitance, recursive := true) FROM contracts",
)
