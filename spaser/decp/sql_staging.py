"""DuckDB SQL of the DECP staging: JSON records of any source shape (formats 2019, 2022, 2.0.0 draft, XML
converted to the 2022 shape) turned into `staged` rows of raw text values and lists (tabular sources: `tabular`).
"""

from spaser.decp.json_split import MAX_RECORD_BYTES
from spaser.decp.sql_macros import sql_string


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
    spec = ", ".join(f"{sql_string(name)}: {sql_string(kind)}" for name, kind in columns.items())
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
