"""DuckDB SQL of the DECP cleaning: `staged` rows (see `sql_staging` and `tabular`) turned into the canonical model
of `docs/decp-model.md` with their quality flags, then the identity rule and the contract views readers see.

Nothing here changes a value silently: each correction or doubt becomes a flag `{code, field, value}` stored with
the contract. The value-level macros it calls are in `sql_macros`.
"""

IMPOSSIBLE = "valeur_impossible"  # the flag of a value that rejects its record


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
