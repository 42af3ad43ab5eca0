"""Every CSV or Parquet file Spaser publishes or reads, declared once.

The writers take their columns from these declarations, the manual-data import reads its cells with them, and
`spaser table-schemas --out docs/schemas` (`make docs`) writes their Table Schemas (https://specs.frictionlessdata.io/table-schema/),
one per file and convention: a CSV in the French convention (`;`, decimal comma, dd/mm/yyyy dates) and in the
international one (`,`, decimal point, ISO dates) are two dialects of one table.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import orjson

from spaser.formatting import FRENCH, INTERNATIONAL, UNITS, number
from spaser.indicators.catalogue import CATALOGUE
from spaser.observatory.vocabulary import GROUPS, MEASURES, SIZE_BRACKETS, SUBJECTS, UNIVERSES


FIRST_YEAR, LAST_YEAR = 2015, 2050
PARQUET = "parquet"
NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)")
SPACES = re.compile(r"[\s\u00a0\u202f]+")
# A field's column in DuckDB and in the Parquet files
DUCKDB_TYPES = {"integer": "BIGINT", "number": "DOUBLE", "string": "VARCHAR", "year": "INTEGER", "date": "DATE"}


class CellError(ValueError):
    """A cell its field refuses, with the French reason."""


@dataclass(frozen=True)
class Field:
    """One column: `name` is its header in the file, `type` and the constraints are Table Schema's."""

    name: str
    type: str  # string, integer, number, year or date
    title: str
    description: str
    required: bool = False
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None
    enum: tuple[str, ...] = ()
    unit: str = ""  # what a number counts, for the messages (« heures »)

    @property
    def duckdb_type(self) -> str:
        return DUCKDB_TYPES[self.type]

    def schema(self, convention: str) -> dict:
        described = {"name": self.name, "type": self.type, "title": self.title, "description": self.description}
        if self.type == "number" and convention == FRENCH:
            described["decimalChar"] = ","
        if self.type == "date":
            described["format"] = "%d/%m/%Y" if convention == FRENCH else "default"
        constraints = {
            "required": self.required or None,
            "minimum": self.minimum,
            "maximum": self.maximum,
            "maxLength": self.max_length,
            "enum": list(self.enum) or None,
        }
        if constraints := {key: value for key, value in constraints.items() if value is not None}:
            described["constraints"] = constraints
        return described

    def read(self, raw: str):
        """A non-empty cell as its type and constraints read it, lenient where French spreadsheets differ from
        the schema (decimal point or comma, spaces between thousands); `CellError` otherwise."""
        if self.type == "string":
            if self.max_length is not None and len(raw) > self.max_length:
                raise CellError(f"{quoted(raw)} dépasse {self.max_length} caractères")
            if self.enum and raw not in self.enum:
                raise CellError(f"{quoted(raw)} n'est pas une valeur acceptée ({' ; '.join(self.enum)})")
            return raw
        if self.type == "date":
            return _date(raw)
        if self.type == "year":
            if not re.fullmatch(r"\d{4}", raw):
                raise CellError(f"{quoted(raw)} n'est pas une année (4 chiffres attendus, par exemple 2024)")
            year = int(raw)
            if not self.minimum <= year <= self.maximum:
                raise CellError(f"{quoted(raw)} : l'année doit être comprise entre {self.minimum} et {self.maximum}")
            return year
        value = _number(raw)
        if self.type == "integer" and value != int(value):
            raise CellError(f"{quoted(raw)} n'est pas un nombre entier {_of(self.unit)}")
        if self.minimum == 0 and value < 0:
            raise CellError(f"{quoted(raw)} est négatif : indiquez un nombre {_of(self.unit)} positif ou nul")
        if self.minimum is not None and value < self.minimum:
            raise CellError(f"{quoted(raw)} est inférieur au minimum de {number(self.minimum)} {self.unit}")
        if self.maximum is not None and value > self.maximum:
            raise CellError(f"{quoted(raw)} dépasse {number(self.maximum)} {self.unit} par ligne : vérifiez la valeur")
        return int(value) if self.type == "integer" else value


def _of(noun: str) -> str:
    return f"d'{noun}" if noun[:1] in "aeiouhé" else f"de {noun}"


def quoted(raw: str) -> str:
    return f"« {raw[:40]}… »" if len(raw) > 40 else f"« {raw} »"


def _number(raw: str) -> float:
    """Accepts `12,5`, `12.5` and `1 200,5`; refuses `1.200,5` (ambiguous) and words."""
    text = SPACES.sub("", raw)
    if "," in text and "." in text:
        raise CellError(f"{quoted(raw)} n'est pas un nombre (n'utilisez qu'une virgule pour les décimales)")
    text = text.replace(",", ".")
    if not NUMBER.fullmatch(text):
        raise CellError(f"{quoted(raw)} n'est pas un nombre")
    return float(text)


def _date(raw: str) -> date:
    """dd/mm/yyyy as the French convention writes it, or ISO."""
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    raise CellError(f"{quoted(raw)} n'est pas une date (jj/mm/aaaa attendu, par exemple 31/01/2025)")


@dataclass(frozen=True)
class Table:
    """A file's columns; `name` names its schema in docs/schemas/."""

    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    conventions: tuple[str, ...] = (FRENCH, INTERNATIONAL)  # or (PARQUET,)
    primary_key: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.fields)

    def field(self, name: str) -> Field:
        return next(column for column in self.fields if column.name == name)

    def schema(self, convention: str) -> dict:
        schema = {
            "$schema": "https://specs.frictionlessdata.io/schemas/table-schema.json",
            "title": self.title,
            "description": self.description,
            "fields": [column.schema(convention) for column in self.fields],
            "missingValues": [""],
        }
        return schema | ({"primaryKey": list(self.primary_key)} if self.primary_key else {})

    def schema_files(self) -> dict[str, dict]:
        """{file name: schema}: the first convention is the table's name, the others are suffixed."""
        first, *others = self.conventions
        return {f"{self.name}.json": self.schema(first)} | {
            f"{self.name}-{convention}.json": self.schema(convention) for convention in others
        }


# The indicators of `spaser indicators` (CSV to stdout, Parquet with --all --out)

_UNIT_NAMES = ", ".join(f"« {unit} »" for unit in UNITS)
INDICATOR_FIELDS = (
    Field(
        "buyer",
        "string",
        "Acheteur",
        "SIREN de l'acheteur, « ensemble » pour tous les SIRET d'un SPASER mutualisé, la catégorie d'acheteur "
        "(--by-type) ou « France » (--national).",
        required=True,
    ),
    Field("year", "integer", "Année", "Année de notification des marchés comptés."),
    Field(
        "code",
        "string",
        "Code de l'indicateur",
        "Code du catalogue des indicateurs (docs/indicateurs.md).",
        required=True,
        enum=tuple(indicator.code for indicator in CATALOGUE),
    ),
    Field("label", "string", "Indicateur", "Nom de l'indicateur en français.", required=True),
    Field("unit", "string", "Unité", f"Unité de la valeur : {_UNIT_NAMES}.", required=True, enum=tuple(UNITS)),
    Field("numerator", "number", "Numérateur", "Nombre ou somme comptés, exacts.", required=True, minimum=0),
    Field("denominator", "number", "Dénominateur", "Base de la part, exacte ; vide pour un dénombrement.", minimum=0),
    Field(
        "value",
        "number",
        "Valeur",
        "Numérateur divisé par le dénominateur : une part entre 0 et 1 pour l'unité « % » ; vide quand les "
        "données ne permettent pas de la calculer.",
        minimum=0,
    ),
    Field(
        "coverage",
        "number",
        "Couverture",
        "Part des marchés de l'année qui renseignent la donnée, entre 0 et 1.",
        minimum=0,
        maximum=1,
    ),
    Field("contracts", "integer", "Marchés", "Marchés notifiés dans l'année.", required=True, minimum=0),
)
MISSING_FIELD = Field(
    "missing", "string", "Remarque", "Pourquoi la valeur manque ou est fragile, en français ; vide sinon."
)
INDICATORS_CSV = Table(
    "indicateurs",
    "Indicateurs SPASER d'un périmètre",
    "Sortie de `spaser indicators --format csv`. La valeur et la couverture sont arrondies comme le tableau les "
    "affiche (les parts à 0,1 point près) ; numérateur et dénominateur sont exacts.",
    (*INDICATOR_FIELDS, MISSING_FIELD),
    primary_key=("buyer", "year", "code"),
)
INDICATORS_PARQUET = Table(
    "indicateurs-parquet",
    "Indicateurs SPASER de tous les acheteurs et de toutes les années",
    "Sortie de `spaser indicators --all --out FICHIER.parquet` : format long, une ligne par groupe, année et "
    "indicateur, valeurs non arrondies.",
    INDICATOR_FIELDS,
    conventions=(PARQUET,),
    primary_key=("buyer", "year", "code"),
)

# The contracts behind one value (drill-down of the steering dashboard, private and public)

COUNTED, NOT_COUNTED, UNKNOWN = "compté", "non compté", "non renseigné"
INDICATOR_CONTRACTS_CSV = Table(
    "marches-indicateur",
    "Marchés derrière la valeur d'un indicateur",
    "Export « Télécharger (CSV) » du détail d'une valeur du tableau de bord : les marchés de l'année comptés, "
    "mesurés mais non comptés, ou sans la donnée, avec leurs champs DECP non arrondis.",
    (
        Field("identifiant du marché", "string", "Identifiant du marché", "Champ DECP `id`.", required=True),
        Field("SIRET de l'acheteur", "string", "SIRET de l'acheteur", "Champ DECP `acheteur.id`.", required=True),
        Field("objet", "string", "Objet", "Champ DECP `objet`."),
        Field("date de notification", "date", "Date de notification", "Champ DECP `dateNotification`."),
        Field("montant initial HT", "number", "Montant initial HT", "Champ DECP `montant`, en euros."),
        Field("procédure", "string", "Procédure", "Champ DECP `procedure`."),
        Field("nature", "string", "Nature", "Champ DECP `nature`."),
        Field(
            "prise en compte dans l'indicateur",
            "string",
            "Prise en compte",
            "Si le marché est compté, mesuré mais non compté, ou sans la donnée.",
            required=True,
            enum=(COUNTED, NOT_COUNTED, UNKNOWN),
        ),
        Field("raison", "string", "Raison", "Ce qui a décidé de la prise en compte (considérations, titulaires…)."),
    ),
)

# The insertion hours an organisation imports (manual indicators): the model offered to download and the import

MAX_HOURS = 1_000_000
INSERTION_HOURS_CSV = Table(
    "heures-insertion",
    "Heures d'insertion par marché et par année",
    "Fichier importé dans un indicateur saisi en heures (et modèle proposé au téléchargement). Une ligne par "
    "marché et par année ; un identifiant de marché vide donne la valeur globale de l'année. L'import accepte "
    "aussi la virgule comme séparateur, le point décimal et les espaces entre milliers.",
    (
        Field("annee", "year", "Année", "Année des heures.", required=True, minimum=FIRST_YEAR, maximum=LAST_YEAR),
        Field(
            "identifiant_marche",
            "string",
            "Identifiant du marché",
            "Identifiant DECP du marché ; vide pour la valeur globale de l'année.",
            max_length=64,
        ),
        Field(
            "heures_prevues",
            "number",
            "Heures prévues",
            "Heures d'insertion prévues au marché.",
            minimum=0,
            maximum=MAX_HOURS,
            unit="heures",
        ),
        Field(
            "heures_realisees",
            "number",
            "Heures réalisées",
            "Heures d'insertion réalisées dans l'année.",
            required=True,
            minimum=0,
            maximum=MAX_HOURS,
            unit="heures",
        ),
        Field(
            "personnes",
            "integer",
            "Personnes",
            "Personnes en insertion concernées.",
            minimum=0,
            maximum=1_000_000,
            unit="personnes",
        ),
    ),
    conventions=(FRENCH,),
)


# The contracts a buyer ties to the engagements of its SPASER (spaser/plans/contract_tags.py)
CONTRACT_TAGS_CSV = Table(
    "marches-engagements",
    "Marchés rattachés aux engagements d'un SPASER",
    "Fichier importé sur la page « Rattacher des marchés par fichier » d'un SPASER (et modèle proposé au "
    "téléchargement). Une ligne par marché et par engagement ; le marché doit être publié dans les DECP par "
    "l'un des acheteurs du SPASER. L'import accepte aussi la virgule comme séparateur.",
    (
        Field(
            "engagement",
            "string",
            "Engagement",
            "Intitulé de l'engagement du SPASER, tel qu'il est écrit dans le SPASER (majuscules indifférentes).",
            required=True,
            max_length=255,
        ),
        Field(
            "identifiant_marche",
            "string",
            "Identifiant du marché",
            "Identifiant DECP du marché (champ « id »), tel que l'acheteur l'a publié.",
            required=True,
            max_length=64,
        ),
        Field("note", "string", "Note", "Pourquoi ce marché sert l'engagement (facultatif).", max_length=255),
    ),
    conventions=(FRENCH,),
)


# The observatory's national series (/observatoire/indicateurs/, its downloads and the API)

_SHARE = "entre 0 et 1 ; vide quand le dénominateur est nul"
# The legal categories' measure and counted numerator, as the national series and the publications write them.
MEASURE_FIELD = Field(
    "measure",
    "string",
    "Mesure",
    "« nombre » : en nombre de marchés ; « valeur » : en montant initial HT (montants absents ou suspects exclus).",
    required=True,
    enum=tuple(MEASURES),
)
NUMERATOR_FIELD = Field("numerator", "number", "Numérateur", "Marchés, ou euros, comptés.", required=True, minimum=0)

SERIES_FIELDS = (
    Field("year", "integer", "Année", "Année de notification des marchés.", required=True),
    Field(
        "universe",
        "string",
        "Univers",
        "Marchés comptés : " + " ; ".join(f"« {code} » {label}" for code, label in UNIVERSES.items()) + ".",
        required=True,
        enum=tuple(UNIVERSES),
    ),
    Field(
        "buyer_group",
        "string",
        "Groupe d'acheteurs",
        "Groupes de l'OECP : " + " ; ".join(f"« {code} » {label}" for code, label in GROUPS.items()) + ".",
        required=True,
        enum=tuple(GROUPS),
    ),
    Field(
        "series",
        "string",
        "Série",
        "Ce qui est compté : " + " ; ".join(f"« {code} » {label}" for code, label in SUBJECTS.items()) + ".",
        required=True,
        enum=tuple(SUBJECTS),
    ),
    MEASURE_FIELD,
    Field("contracts", "integer", "Marchés", "Marchés notifiés dans l'année, groupe et univers.", required=True),
    NUMERATOR_FIELD,
    Field(
        "known_denominator",
        "number",
        "Dénominateur (donnée inconnue exclue)",
        "Marchés, ou euros, dont la donnée est renseignée : le dénominateur du catalogue des indicateurs.",
        required=True,
        minimum=0,
    ),
    Field(
        "known_share", "number", "Part (donnée inconnue exclue)", f"Numérateur / dénominateur, {_SHARE}.", minimum=0
    ),
    Field(
        "all_denominator",
        "number",
        "Dénominateur (donnée inconnue incluse)",
        "Tous les marchés, ou tous les euros, de l'année : le dénominateur de decp.info.",
        required=True,
        minimum=0,
    ),
    Field("all_share", "number", "Part (donnée inconnue incluse)", f"Numérateur / dénominateur, {_SHARE}.", minimum=0),
    Field(
        "decp_date", "date", "Données DECP du", "Date de l'entrepôt DECP dont la série est calculée.", required=True
    ),
)
_SERIES_DESCRIPTION = (
    "Séries nationales de l'observatoire par année, univers, groupe d'acheteurs et série, avec les deux "
    "dénominateurs ; valeurs non arrondies."
)
SERIES_CSV = Table(
    "observatoire-series",
    "Séries nationales des achats responsables",
    _SERIES_DESCRIPTION,
    SERIES_FIELDS,
    primary_key=("year", "universe", "buyer_group", "series", "measure"),
)
SERIES_PARQUET = Table(
    "observatoire-series-parquet",
    "Séries nationales des achats responsables (Parquet)",
    _SERIES_DESCRIPTION,
    SERIES_FIELDS,
    conventions=(PARQUET,),
    primary_key=("year", "universe", "buyer_group", "series", "measure"),
)


# The obligation register of the observatory (/observatoire/obligation.csv and .parquet)

_OBLIGATION_FIELDS = (
    Field("siren", "string", "SIREN", "SIREN de l'acheteur.", required=True, max_length=9),
    Field("year", "integer", "Année", "Année civile de notification des marchés comptés.", required=True),
    Field("name", "string", "Nom", "Dénomination SIRENE de l'acheteur."),
    Field("buyer_type", "string", "Type d'acheteur", "D'après la catégorie juridique SIRENE.", required=True),
    Field(
        "uncertain_type",
        "string",
        "Type incertain",
        "« oui » quand la catégorie juridique ne dit pas si l'acheteur est soumis (type « Autre »).",
        enum=("oui", "non"),
    ),
    Field(
        "contracts_amount",
        "number",
        "Montant des marchés (DECP)",
        "Somme des montants HT des marchés notifiés dans l'année, en euros : concessions, marchés de défense ou de "
        "sécurité et montants signalés comme suspects exclus ; accords-cadres à leur maximum.",
    ),
    Field("framework_amount", "number", "Dont accords-cadres", "Part des accords-cadres, en euros."),
    Field("contracts", "integer", "Marchés", "Marchés notifiés dans l'année.", required=True, minimum=0),
    Field("framework_contracts", "integer", "Accords-cadres", "Dont accords-cadres.", minimum=0),
    Field(
        "excluded_amounts",
        "integer",
        "Montants écartés",
        "Marchés dont le montant, signalé comme manquant ou aberrant, n'est pas additionné.",
        minimum=0,
    ),
    Field(
        "spend_amount",
        "number",
        "Dépenses comptables (DGFiP)",
        "Dépenses nettes des comptes 60 (hors 603), 61, 62, 20 (hors 204), 21 et 23 des balances comptables, en "
        "euros ; vide sans balance importée.",
    ),
    Field(
        "status",
        "string",
        "Statut",
        "Obligation probable d'adopter un SPASER (seuil de 50 M€ HT, article D2111-3).",
        required=True,
        enum=("obligé probable", "incertain", "non obligé", "aucune donnée DECP"),
    ),
    Field("reason", "string", "Motif", "Ce qui décide du statut.", required=True),
    Field(
        "decp_date", "date", "Données DECP du", "Date de l'entrepôt DECP dont le registre est calculé.", required=True
    ),
)
OBLIGATION_CSV = Table(
    "registre-obligation",
    "Registre des acheteurs soumis au SPASER",
    "Export de /observatoire/obligation.csv : un acheteur par année, montants non arrondis.",
    _OBLIGATION_FIELDS,
    conventions=(FRENCH,),
    primary_key=("siren", "year"),
)
OBLIGATION_PARQUET = Table(
    "registre-obligation-parquet",
    "Registre des acheteurs soumis au SPASER (Parquet)",
    "Export de /observatoire/obligation.parquet : les mêmes colonnes que le CSV.",
    _OBLIGATION_FIELDS,
    conventions=(PARQUET,),
    primary_key=("siren", "year"),
)


# The buyer profiles of the observatory (/observatoire/acheteurs/<siren>/, its national files and the API)

PROFILE_FIELDS = (
    Field("siren", "string", "SIREN", "SIREN de l'acheteur.", required=True, max_length=9),
    Field("year", "integer", "Année", "Année de notification des marchés.", required=True),
    Field("buyer_type", "string", "Type d'acheteur", "D'après la catégorie juridique SIRENE.", required=True),
    Field(
        "size_bracket",
        "string",
        "Taille",
        "Tranche du montant des marchés notifiés dans l'année (registre de l'obligation).",
        required=True,
        enum=tuple(label for _, label in SIZE_BRACKETS),
    ),
    SERIES_FIELDS[3],
    SERIES_FIELDS[4],
    Field("contracts", "integer", "Marchés", "Marchés notifiés dans l'année par l'acheteur.", required=True),
    NUMERATOR_FIELD,
    Field(
        "denominator",
        "number",
        "Dénominateur",
        "Marchés, ou euros, dont la donnée est renseignée (donnée inconnue exclue, comme le catalogue).",
        required=True,
        minimum=0,
    ),
    Field("share", "number", "Part", f"Numérateur / dénominateur, {_SHARE} (données insuffisantes).", minimum=0),
    Field(
        "peers",
        "integer",
        "Acheteurs comparés",
        "Acheteurs de même type et taille cette année dont la part est connue, l'acheteur compris.",
        required=True,
        minimum=0,
    ),
    Field(
        "insufficient_peers",
        "integer",
        "Acheteurs aux données insuffisantes",
        "Acheteurs du même groupe sans part (dénominateur nul), écartés des rangs et de la médiane.",
        required=True,
        minimum=0,
    ),
    Field("rank", "integer", "Rang", "Rang de la part, 1 pour la plus haute (ex aequo au même rang).", minimum=1),
    Field(
        "percentile",
        "number",
        "Centile",
        "Part des acheteurs comparés, lui compris, dont la part est inférieure ou égale à la sienne (0 à 1).",
        minimum=0,
    ),
    Field(
        "peer_median",
        "number",
        "Médiane du groupe",
        "Médiane des parts des acheteurs comparés (moyenne des deux valeurs centrales quand leur nombre est pair).",
        minimum=0,
    ),
    Field(
        "decp_date", "date", "Données DECP du", "Date de l'entrepôt DECP dont le profil est calculé.", required=True
    ),
)
_PROFILE_DESCRIPTION = (
    "Profils des acheteurs de l'observatoire : par acheteur, année et série, la part (donnée inconnue exclue) et sa "
    "comparaison avec les acheteurs de même type et taille ; valeurs non arrondies."
)
PROFILES_CSV = Table(
    "observatoire-profils",
    "Profils des acheteurs",
    _PROFILE_DESCRIPTION,
    PROFILE_FIELDS,
    primary_key=("siren", "year", "series", "measure"),
)
PROFILES_PARQUET = Table(
    "observatoire-profils-parquet",
    "Profils des acheteurs (Parquet)",
    _PROFILE_DESCRIPTION,
    PROFILE_FIELDS,
    conventions=(PARQUET,),
    primary_key=("siren", "year", "series", "measure"),
)

# The national SPASER directory (achats-durables.gouv.fr): entries imported by the platform team, and the
# observatory's directory export (the same columns, with where each entry comes from)

POPULATION_BRACKETS = (
    "Moins de 20 000",
    "Entre 20 000 et 50 000",
    "Entre 50 000 et 100 000",
    "Entre 101 000 et 200 000",
    "Plus de 200 000",
)
PURCHASE_VOLUME_BRACKETS = (
    "Moins de 50 millions d'euros HT",
    "De 50 à 100 millions d'euros HT",
    "De 100 à 200 millions d'euros HT",
    "Plus de 200 millions d'euros HT",
)
YES, NO = "oui", "non"
DIRECTORY_FIELDS = (
    Field("siren", "string", "SIREN", "SIREN (9 chiffres) de l'acheteur qui porte le SPASER.", required=True),
    Field("nom", "string", "Nom de la structure", "Nom de l'acheteur.", required=True, max_length=255),
    Field(
        "type_structure",
        "string",
        "Type de structure",
        "Type de structure de l'annuaire national (Région, Département, Métropole, Commune…).",
        max_length=64,
    ),
    Field("titre", "string", "Titre", "Titre du SPASER ; vide s'il n'en a pas.", max_length=255),
    Field(
        "nombre_habitants",
        "string",
        "Nombre d'habitants",
        "Tranche de l'annuaire national ; vide pour une structure sans population (État, établissement public).",
        enum=POPULATION_BRACKETS,
    ),
    Field(
        "volume_achat",
        "string",
        "Volume annuel d'achat estimé",
        "Tranche de l'annuaire national.",
        enum=PURCHASE_VOLUME_BRACKETS,
    ),
    Field(
        "annee_debut",
        "year",
        "Première année",
        "Première année de la période du SPASER.",
        required=True,
        minimum=FIRST_YEAR,
        maximum=LAST_YEAR,
    ),
    Field(
        "annee_fin",
        "year",
        "Dernière année",
        "Dernière année de la période ; vide quand l'annuaire ne la donne pas.",
        minimum=FIRST_YEAR,
        maximum=LAST_YEAR,
    ),
    Field("edition", "integer", "Édition", "Numéro d'édition du SPASER de l'acheteur (1, 2…).", minimum=1, maximum=99),
    Field("mutualise", "string", "Mutualisé", "« oui » pour un SPASER commun à plusieurs acheteurs.", enum=(YES, NO)),
    Field(
        "sirens_mutualises",
        "string",
        "SIREN des autres acheteurs",
        "SIREN des autres acheteurs d'un SPASER mutualisé, séparés par des espaces.",
        max_length=500,
    ),
    Field("lien_document", "string", "Lien du document", "Adresse (https://…) du document du SPASER.", max_length=500),
    Field("date_publication", "date", "Publié le", "Date de publication de la fiche dans l'annuaire."),
    Field("date_mise_a_jour", "date", "Mis à jour le", "Date de la dernière mise à jour de la fiche."),
    Field("description", "string", "Présentation", "Texte libre de la fiche."),
)
DIRECTORY_CSV = Table(
    "annuaire-spaser",
    "Fiches de l'annuaire des SPASER",
    "Fichier importé dans l'annuaire de l'observatoire (et modèle proposé au téléchargement), aux champs de "
    "l'annuaire national des SPASER (achats-durables.gouv.fr). Une ligne par SPASER et par édition ; les SIREN "
    "sont vérifiés (9 chiffres, clé de Luhn).",
    DIRECTORY_FIELDS,
    conventions=(FRENCH,),
    primary_key=("siren", "annee_debut", "edition"),
)
DIRECTORY_EXPORT_CSV = Table(
    "observatoire-annuaire",
    "Annuaire des SPASER de l'observatoire",
    "Export de la page « Annuaire des SPASER » de l'observatoire : les SPASER publiés sur la plateforme, importés "
    "de l'annuaire national ou saisis par l'équipe, avec leur source et leur catégorie RTES.",
    (
        *DIRECTORY_FIELDS,
        Field(
            "source",
            "string",
            "Source",
            "Où la plateforme connaît ce SPASER.",
            required=True,
            enum=("publié sur la plateforme", "importé", "saisi par l'équipe"),
        ),
        Field(
            "categorie_rtes", "string", "Catégorie RTES", "Catégorie d'acheteur du décompte du RTES.", required=True
        ),
        Field("region", "string", "Région", "Région du siège de l'acheteur, d'après le répertoire SIRENE."),
        Field("departement", "string", "Département", "Code du département du siège de l'acheteur."),
        Field("adresse", "string", "Adresse de la fiche", "Page du SPASER sur la plateforme, s'il y est publié."),
        Field(
            "decp_date",
            "date",
            "Données DECP du",
            "Date de l'entrepôt DECP d'où viennent la région et le département ; vide sans entrepôt.",
        ),
    ),
    conventions=(FRENCH,),
)
DIRECTORY_EXPORT_PARQUET = Table(
    "observatoire-annuaire-parquet",
    "Annuaire des SPASER de l'observatoire (Parquet)",
    "Export Parquet de la page « Annuaire des SPASER » : les mêmes colonnes que le CSV.",
    DIRECTORY_EXPORT_CSV.fields,
    conventions=(PARQUET,),
)

# The biennial legal publications of a scheme's buyers (/spaser/<slug>/publications/<year>/, its downloads, the API)

PUBLICATION_FIELDS = (
    Field("siren", "string", "SIREN", "SIREN de l'acheteur, tel qu'il était à la publication.", required=True),
    Field("buyer_name", "string", "Acheteur", "Nom de l'acheteur à la publication.", required=True),
    Field("first_year", "integer", "Première année", "Première des deux années civiles publiées.", required=True),
    Field("last_year", "integer", "Dernière année", "Dernière des deux années civiles publiées.", required=True),
    Field("year", "integer", "Année", "Année de notification des marchés comptés.", required=True),
    Field(
        "category",
        "string",
        "Catégorie",
        "Catégorie d'achats responsables (article L2111-3) : "
        + " ; ".join(f"« {code} » {label}" for code, label in SUBJECTS.items())
        + ".",
        required=True,
        enum=tuple(SUBJECTS),
    ),
    MEASURE_FIELD,
    Field("code", "string", "Indicateur", "Code de l'indicateur calculé (catalogue des indicateurs).", required=True),
    Field("contracts", "integer", "Marchés", "Marchés de l'acheteur notifiés dans l'année.", required=True, minimum=0),
    NUMERATOR_FIELD,
    Field(
        "denominator",
        "number",
        "Dénominateur",
        "Marchés, ou euros, dont la donnée est renseignée (donnée inconnue exclue).",
        required=True,
        minimum=0,
    ),
    Field("value", "number", "Taux réel", f"Numérateur / dénominateur, {_SHARE}.", minimum=0),
    Field(
        "coverage",
        "number",
        "Couverture",
        "Part des marchés de l'année dont la donnée est renseignée, entre 0 et 1.",
        minimum=0,
    ),
    Field("objective", "string", "Objectif", "Objectif du SPASER mesuré par le même indicateur ; vide sans objectif."),
    Field(
        "target", "number", "Cible", "Cible de l'année (ou trajectoire), entre 0 et 1 ; vide sans cible.", minimum=0
    ),
    Field(
        "target_basis",
        "string",
        "Origine de la cible",
        "« cible 2026 », « trajectoire 2025 », « pas d'objectif fixé »…",
    ),
    Field(
        "reached",
        "string",
        "Cible atteinte",
        "« oui » quand le taux atteint la cible, « non » sinon ; vide sans cible ou sans taux.",
        enum=(YES, NO),
    ),
    Field("rule", "string", "Règle de comptage", "Ce qui est compté, sur quoi, en français.", required=True),
    Field("published_at", "date", "Publiée le", "Date de la publication.", required=True),
    Field("catalogue_version", "string", "Version du catalogue", "Empreinte des définitions.", required=True),
    Field("decp_date", "date", "Données DECP du", "Date du dernier import DECP dont les taux sont calculés."),
)
PUBLICATION_CSV = Table(
    "publication-biennale",
    "Publication biennale des indicateurs d'un acheteur (article L2111-3)",
    "Taux réels d'achats responsables d'un acheteur pour deux années civiles, en nombre et en valeur, chacun à côté "
    "de la cible du SPASER ; valeurs non arrondies, figées à la publication.",
    PUBLICATION_FIELDS,
    primary_key=("siren", "first_year", "year", "category", "measure"),
)

TABLES = (
    INDICATORS_CSV,
    INDICATORS_PARQUET,
    INDICATOR_CONTRACTS_CSV,
    INSERTION_HOURS_CSV,
    CONTRACT_TAGS_CSV,
    SERIES_CSV,
    SERIES_PARQUET,
    OBLIGATION_CSV,
    OBLIGATION_PARQUET,
    PROFILES_CSV,
    PROFILES_PARQUET,
    DIRECTORY_CSV,
    DIRECTORY_EXPORT_CSV,
    DIRECTORY_EXPORT_PARQUET,
    PUBLICATION_CSV,
)


def schema_files() -> dict[str, bytes]:
    """{file name: JSON} of docs/schemas/."""
    return {
        name: orjson.dumps(schema, option=orjson.OPT_INDENT_2) + b"\n"
        for table in TABLES
        for name, schema in table.schema_files().items()
    }


def write_schemas(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in schema_files().items():
        (folder / name).write_bytes(content)
