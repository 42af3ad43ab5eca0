"""Export and import of a SPASER as a JSON document ("spaser" format 1.0) following the published `SCHEMA`.

`docs/spaser-schema.json` is `SCHEMA` written out by `python -m spaser.plans.exchange`; a test keeps them equal.

Round trip: for a valid document D and an organisation O, `export_scheme(import_scheme(D, O))` equals D except
- `scheme.status`, always "draft": an imported scheme is adopted and published again on the platform;
- `scheme.organisations`: O first, then the partners that accepted: the import never attaches an organisation, it
  invites (pending `Partnership`) every partner of D whose SIREN is known on the platform (O excepted); once they
  accept they follow O in the platform's order (by name) with the platform's names; unknown partners are appended
  to `scheme.mutualised_with` as "Nom (SIREN 123456789)";
- optional fields D omits appear with their defaults, and targets are listed by year;
- a manual indicator whose code O already uses keeps O's label (its unit must be the same, or the import fails).
"""

import json
import logging
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from jsonschema import Draft202012Validator, ValidationError

from spaser.indicators.catalogue import BY_CODE
from spaser.organisations.models import Organisation
from spaser.plans import partnerships
from spaser.plans.models import (
    FIRST_YEAR,
    LAST_YEAR,
    Action,
    ActionStatus,
    Axis,
    Engagement,
    ManualIndicator,
    ManualUnit,
    Objective,
    Population,
    PurchaseVolume,
    Scheme,
    Status,
    Target,
    Theme,
    unique_slug,
)
from spaser.plans.rules import check_baseline_year, check_period, check_target_value, check_year_in_period


logger = logging.getLogger(__name__)

FORMAT, VERSION = "spaser", "1.0"
MAX_EDITION = 99
MUTUALISED_WITH_LENGTH = 500
SIREN_PATTERN = r"^[0-9]{9}$"
MANUAL_CODE_PATTERN = r"^[-a-zA-Z0-9_]+$"

__all__ = [
    "SCHEMA",
    "ExchangeError",
    "ExchangeInvalid",
    "UnreadableDocument",
    "check_baseline_year",
    "check_period",
    "check_target_value",
    "check_year_in_period",
    "export_scheme",
    "import_scheme",
    "read_document",
    "schema_json",
    "validate",
]


# The schema


def _text(description: str, max_length: int | None = None, *, required: bool = False) -> dict:
    schema = {"description": description, "type": "string"}
    if required:
        schema["minLength"] = 1
    if max_length:
        schema["maxLength"] = max_length
    return schema


def _object(description: str, properties: dict, required: list[str]) -> dict:
    return {
        "description": description,
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def _list(description: str, definition: str) -> dict:
    return {"description": description, "type": "array", "items": {"$ref": f"#/$defs/{definition}"}, "default": []}


def _ref(definition: str, description: str) -> dict:
    return {"description": description, "$ref": f"#/$defs/{definition}"}


def _date(description: str) -> dict:
    return {"description": description, "type": ["string", "null"], "format": "date", "default": None}


SCHEMA: dict = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": f"Format d'échange d'un SPASER, version {VERSION}",
    "description": (
        "Un schéma de promotion des achats socialement et écologiquement responsables (SPASER) : ses axes, "
        "leurs engagements, les objectifs chiffrés (indicateur, valeur de référence, cibles par année) et les "
        "actions de chaque engagement. L'ordre des listes est l'ordre d'affichage."
    ),
    "type": "object",
    "properties": {
        "format": {"description": "Toujours « spaser ».", "const": FORMAT},
        "version": {"description": f"Version du format : « {VERSION} ».", "const": VERSION},
        "scheme": _ref("scheme", "Le SPASER lui-même."),
        "axes": {
            "description": "Les axes du SPASER, dans l'ordre.",
            "type": "array",
            "items": {"$ref": "#/$defs/axis"},
        },
    },
    "required": ["format", "version", "scheme", "axes"],
    "additionalProperties": False,
    "$defs": {
        "year": {"description": "Une année.", "type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR},
        "scheme": _object(
            "Les informations générales du SPASER.",
            {
                "title": _text("Titre du SPASER.", 255, required=True),
                "edition": {
                    "description": "Numéro d'édition (1 pour le premier SPASER de l'organisation).",
                    "type": "integer",
                    "minimum": 1,
                    "maximum": MAX_EDITION,
                    "default": 1,
                },
                "start_year": _ref("year", "Première année couverte."),
                "end_year": _ref("year", "Dernière année couverte (au moins la première)."),
                "status": {
                    "description": "Statut ; un SPASER importé est toujours enregistré comme brouillon.",
                    "enum": Status.values,
                    "default": Status.DRAFT.value,
                },
                "adoption_date": _date("Date d'adoption par l'assemblée délibérante (AAAA-MM-JJ), ou null."),
                "deliberation": {**_text("Référence de la délibération.", 255), "default": ""},
                "summary": {**_text("Présentation du SPASER."), "default": ""},
                "population": {
                    "description": "Tranche du nombre d'habitants (chaîne vide si non renseignée).",
                    "enum": ["", *Population.values],
                    "default": "",
                },
                "purchase_volume": {
                    "description": "Tranche du volume annuel d'achat estimé (chaîne vide si non renseignée).",
                    "enum": ["", *PurchaseVolume.values],
                    "default": "",
                },
                "mutualised": {
                    "description": "SPASER mutualisé entre plusieurs acheteurs.",
                    "type": "boolean",
                    "default": False,
                },
                "mutualised_with": {
                    **_text("Acheteurs associés qui ne sont pas sur la plateforme.", MUTUALISED_WITH_LENGTH),
                    "default": "",
                },
                "organisations": {
                    "description": (
                        "Organisations du SPASER : la première est l'organisation porteuse, les suivantes sont "
                        "les partenaires qui ont accepté de le partager. À l'import, l'organisation porteuse est "
                        "celle qui importe ; les suivantes connues de la plateforme sont invitées et ne comptent "
                        "qu'une fois l'invitation acceptée par un de leurs administrateurs."
                    ),
                    "type": "array",
                    "items": {"$ref": "#/$defs/organisation"},
                    "default": [],
                },
            },
            ["title", "start_year", "end_year"],
        ),
        "organisation": _object(
            "Une organisation (acheteur public).",
            {
                "siren": {
                    "description": "SIREN de l'organisation, 9 chiffres.",
                    "type": "string",
                    "pattern": SIREN_PATTERN,
                },
                "name": _text("Nom de l'organisation.", 255, required=True),
            },
            ["siren", "name"],
        ),
        "axis": _object(
            "Un axe du SPASER.",
            {
                "title": _text("Titre de l'axe.", 255, required=True),
                "theme": {"description": "Thème de l'axe.", "enum": Theme.values},
                "description": {**_text("Description de l'axe."), "default": ""},
                "engagements": _list("Les engagements de l'axe, dans l'ordre.", "engagement"),
            },
            ["title", "theme"],
        ),
        "engagement": _object(
            "Un engagement d'un axe.",
            {
                "title": _text("Titre de l'engagement.", 255, required=True),
                "description": {**_text("Description de l'engagement."), "default": ""},
                "objectives": _list("Les objectifs chiffrés de l'engagement, dans l'ordre.", "objective"),
                "actions": _list("Les actions de l'engagement, dans l'ordre.", "action"),
            },
            ["title"],
        ),
        "objective": _object(
            "Un objectif chiffré, mesuré par un indicateur.",
            {
                "title": _text("Intitulé de l'objectif.", 255, required=True),
                "indicator": _ref("indicator", "L'indicateur qui mesure l'objectif."),
                "baseline_year": {
                    "description": "Année de la valeur de référence (peut précéder la période), ou null.",
                    "anyOf": [{"$ref": "#/$defs/year"}, {"type": "null"}],
                    "default": None,
                },
                "baseline_value": {
                    "description": "Valeur de référence, dans l'unité de l'indicateur (% de 0 à 100), ou null.",
                    "type": ["number", "null"],
                    "default": None,
                },
                "deadline_year": _ref("year", "Année d'échéance de l'objectif, dans la période du SPASER."),
                "targets": _list("Les cibles, une par année au plus.", "target"),
            },
            ["title", "indicator", "deadline_year"],
        ),
        "indicator": {
            **_object(
                "Un indicateur du catalogue (« catalogue ») ou saisi par l'organisation (« manual »), pas les deux.",
                {
                    "catalogue": {"description": "Code de l'indicateur du catalogue.", "enum": list(BY_CODE)},
                    "manual": _ref("manual_indicator", "Indicateur saisi par l'organisation."),
                },
                [],
            ),
            "minProperties": 1,
            "maxProperties": 1,
        },
        "manual_indicator": _object(
            "Un indicateur que les données essentielles ne donnent pas, saisi par l'organisation.",
            {
                "code": {
                    "description": "Code de l'indicateur dans l'organisation : lettres, chiffres, - et _.",
                    "type": "string",
                    "pattern": MANUAL_CODE_PATTERN,
                    "maxLength": 32,
                },
                "label": _text("Libellé de l'indicateur.", 255, required=True),
                "unit": {"description": "Unité de l'indicateur.", "enum": ManualUnit.values},
            },
            ["code", "label", "unit"],
        ),
        "target": _object(
            "La valeur visée une année.",
            {
                "year": _ref("year", "Année de la cible, dans la période du SPASER."),
                "value": {
                    "description": "Valeur visée, dans l'unité de l'indicateur (% de 0 à 100, sinon positive).",
                    "type": "number",
                },
            },
            ["year", "value"],
        ),
        "action": _object(
            "Une action d'un engagement.",
            {
                "title": _text("Intitulé de l'action.", 255, required=True),
                "owner": _text("Direction pilote.", 255, required=True),
                "status": {
                    "description": "État d'avancement.",
                    "enum": ActionStatus.values,
                    "default": ActionStatus.PLANNED.value,
                },
                "due_date": _date("Échéance (AAAA-MM-JJ), ou null."),
            },
            ["title", "owner"],
        ),
    },
}

_VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)


def schema_json() -> str:
    """The text of docs/spaser-schema.json."""
    return json.dumps(SCHEMA, indent=2, ensure_ascii=False) + "\n"


def _defaults(definition: str) -> dict:
    properties = SCHEMA["$defs"][definition]["properties"]
    return {name: schema["default"] for name, schema in properties.items() if "default" in schema}


# Errors


JsonPath = tuple[str | int, ...]


@dataclass(frozen=True)
class ExchangeError:
    """A problem in a document: where (`axes[0].engagements[1].title`, "" for the whole document) and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path or 'document'} : {self.message}"


class ExchangeInvalid(Exception):
    def __init__(self, errors: list[ExchangeError]):
        super().__init__(f"{len(errors)} erreur(s) dans le document")
        self.errors = errors


class UnreadableDocument(ValueError):
    """The file is not UTF-8 JSON; the message is in French and names the file."""


def _format_path(path: JsonPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else part
    return text


def _path_key(path: JsonPath) -> tuple:
    # Indexes and names never share a position in a document, but sorting must not compare them.
    return tuple((0, part, "") if isinstance(part, int) else (1, 0, part) for part in path)


def _sorted(found: Iterable[tuple[JsonPath, str]]) -> list[ExchangeError]:
    unique = dict.fromkeys(found)  # each "required" error lists every missing name: keep each once
    return [
        ExchangeError(_format_path(path), message) for path, message in sorted(unique, key=lambda e: _path_key(e[0]))
    ]


# Reading a file


_JSON_MESSAGES = {
    "Expecting value": "valeur attendue",
    "Expecting property name enclosed in double quotes": "nom de champ entre guillemets droits attendu",
    "Expecting ',' delimiter": "virgule attendue",
    "Expecting ':' delimiter": "deux-points attendu",
    "Unterminated string starting at": "texte sans guillemet fermant",
    "Invalid control character at": "caractère de contrôle dans un texte",
    "Invalid \\escape": "séquence d'échappement invalide",
    "Extra data": "contenu après la fin du document",
}


def read_document(content: bytes, filename: str) -> object:
    """The parsed JSON of a file, or UnreadableDocument naming the file and where its JSON breaks."""
    try:
        text = content.decode("utf-8-sig")  # editors on Windows add a byte order mark
    except UnicodeDecodeError as error:
        raise UnreadableDocument(
            f"Le fichier « {filename} » n'est pas encodé en UTF-8 (octet {error.start + 1}) : enregistrez-le en UTF-8."
        ) from error

    def reject_constant(name: str):
        raise UnreadableDocument(f"Le fichier « {filename} » contient « {name} », qui n'est pas un nombre JSON.")

    try:
        return json.loads(text, parse_constant=reject_constant)
    except json.JSONDecodeError as error:
        problem = _JSON_MESSAGES.get(error.msg, error.msg)
        raise UnreadableDocument(
            f"Le fichier « {filename} » n'est pas un JSON valide : {problem} (ligne {error.lineno}, "
            f"colonne {error.colno})."
        ) from error


# Validation


def validate(document: object) -> list[ExchangeError]:
    """Every problem of the document, sorted by path: the schema's, then the rules the schema cannot express."""
    schema_errors = list(_schema_errors(document))
    # A field the schema rejects (a year after 2050) would often break a rule too: one message is enough.
    rejected = {path for path, _ in schema_errors}
    return _sorted([*schema_errors, *(error for error in _rule_errors(document) if error[0] not in rejected)])


_TYPE_NAMES = {
    "string": "texte",
    "integer": "nombre entier",
    "number": "nombre",
    "boolean": "booléen (true ou false)",
    "object": "objet",
    "array": "liste",
    "null": "null",
}


def _schema_errors(document: object) -> Iterator[tuple[JsonPath, str]]:
    for error in _VALIDATOR.iter_errors(document):
        path = tuple(error.absolute_path)
        # A missing or unexpected field is reported at its own path, which says more than its parent's.
        if error.validator == "required":
            for name in error.validator_value:
                if name not in error.instance:
                    yield (*path, name), "Ce champ est obligatoire."
        elif error.validator == "additionalProperties":
            for name in error.instance:
                if name not in error.schema["properties"]:
                    yield (*path, name), "Ce champ n'est pas prévu par le format."
        else:
            yield path, _in_french(error)


def _show(value: object) -> str:
    if isinstance(value, str):
        return f"« {value if len(value) <= 60 else value[:59] + '…'} »"
    if isinstance(value, dict | list):
        return "un objet" if isinstance(value, dict) else "une liste"
    return json.dumps(value)


def _in_french(error: ValidationError) -> str:
    kind, expected, value = error.validator, error.validator_value, error.instance
    if kind == "type":
        names = [expected] if isinstance(expected, str) else expected
        return f"Type attendu : {' ou '.join(_TYPE_NAMES[name] for name in names)} ; valeur reçue : {_show(value)}."
    if kind == "enum":
        return f"Valeur {_show(value)} non prévue. Valeurs possibles : {', '.join(map(_show, expected))}."
    if kind == "const":
        return f"Valeur {_show(value)} non prise en charge : {_show(expected)} attendu."
    if kind == "minimum":
        return f"La valeur doit être supérieure ou égale à {expected}."
    if kind == "maximum":
        return f"La valeur doit être inférieure ou égale à {expected}."
    if kind == "minLength":
        return "Ce champ ne peut pas être vide."
    if kind == "maxLength":
        return f"{expected} caractères au plus."
    if kind in ("minProperties", "maxProperties"):
        return f"Indiquez un et un seul de ces champs : {', '.join(error.schema['properties'])}."
    if kind == "format":
        return f"Date {_show(value)} invalide : format AAAA-MM-JJ attendu."
    if kind == "pattern":
        return f"Valeur {_show(value)} invalide. {error.schema['description']}"
    if kind == "anyOf":  # only a nullable year: the branches' messages would only repeat each other
        return f"Année {_show(value)} invalide : nombre entier entre {FIRST_YEAR} et {LAST_YEAR} ou null attendu."
    return error.message


def _number(value: object) -> float | None:
    """The value if it is a number (JSON booleans are not), for checks that must skip badly typed fields."""
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _items(parent: object, key: str) -> Iterator[tuple[int, dict]]:
    values = _dict(parent).get(key)
    if isinstance(values, list):
        yield from ((index, value) for index, value in enumerate(values) if isinstance(value, dict))


def _objectives(document: object) -> Iterator[tuple[JsonPath, dict]]:
    for a, axis in _items(document, "axes"):
        for e, engagement in _items(axis, "engagements"):
            for o, objective in _items(engagement, "objectives"):
                yield ("axes", a, "engagements", e, "objectives", o), objective


def _unit(indicator: object) -> str | None:
    """The unit of an indicator reference, None when the reference is not valid (the schema reports it)."""
    indicator = _dict(indicator)
    if len(indicator) != 1:
        return None
    if "catalogue" in indicator:
        code = indicator["catalogue"]
        return BY_CODE[code].unit if isinstance(code, str) and code in BY_CODE else None
    unit = _dict(indicator.get("manual")).get("unit")
    return unit if unit in ManualUnit.values else None


def _check_value(unit: str | None, value: float | None) -> str | None:
    if unit is None or value is None:
        return None
    if not math.isfinite(value):
        return "La valeur doit être un nombre fini."
    return check_target_value(unit, value)


def _rule_errors(document: object) -> Iterator[tuple[JsonPath, str]]:
    """What the schema cannot say; each check skips the fields the schema already finds badly typed."""
    scheme = _dict(_dict(document).get("scheme"))
    period = _number(scheme.get("start_year")), _number(scheme.get("end_year"))
    if None in period:
        period = None  # the schema reports it; checking years against it would only add noise
    elif message := check_period(*period):
        yield ("scheme", "end_year"), message
        period = None
    manual_indicators: dict[str, dict] = {}
    for path, objective in _objectives(document):
        if period:
            yield from _objective_year_errors(path, objective, *period)
        yield from _objective_value_errors(path, objective)
        yield from _manual_indicator_errors(path, objective, manual_indicators)


def _objective_year_errors(path: JsonPath, objective: dict, start: int, end: int) -> Iterator[tuple[JsonPath, str]]:
    if (deadline := _number(objective.get("deadline_year"))) is not None:
        if message := check_year_in_period(deadline, start, end, "L'échéance"):
            yield (*path, "deadline_year"), message
    if (baseline := _number(objective.get("baseline_year"))) is not None:
        if message := check_baseline_year(baseline, start, end):
            yield (*path, "baseline_year"), message
    for t, target in _items(objective, "targets"):
        year = _number(target.get("year"))
        if year is not None and (message := check_year_in_period(year, start, end, "L'année de la cible")):
            yield (*path, "targets", t, "year"), message


def _objective_value_errors(path: JsonPath, objective: dict) -> Iterator[tuple[JsonPath, str]]:
    unit = _unit(objective.get("indicator"))
    if message := _check_value(unit, _number(objective.get("baseline_value"))):
        yield (*path, "baseline_value"), message
    years = set()
    for t, target in _items(objective, "targets"):
        if message := _check_value(unit, _number(target.get("value"))):
            yield (*path, "targets", t, "value"), message
        year = _number(target.get("year"))
        if year in years:
            yield (*path, "targets", t, "year"), f"L'objectif a déjà une cible pour {year:g}."
        if year is not None:
            years.add(year)


def _manual_indicator_errors(path: JsonPath, objective: dict, seen: dict[str, dict]) -> Iterator[tuple[JsonPath, str]]:
    """One code names one indicator in a document: the import creates it once, with one label and one unit."""
    manual = _dict(_dict(objective.get("indicator")).get("manual"))
    code = manual.get("code")
    if not isinstance(code, str):
        return
    first = seen.setdefault(code, manual)
    if (first.get("label"), first.get("unit")) != (manual.get("label"), manual.get("unit")):
        yield (
            (*path, "indicator", "manual"),
            f"Le code « {code} » désigne déjà dans ce document un indicateur d'un autre libellé ou d'une autre unité.",
        )


def _conflicts_with(document: dict, organisation: Organisation) -> list[ExchangeError]:
    """Manual indicators the organisation already has under the same code but in another unit."""
    units = dict(organisation.manual_indicators.values_list("code", "unit"))
    found = []
    for path, objective in _objectives(document):
        manual = objective["indicator"].get("manual")
        if manual and units.get(manual["code"], manual["unit"]) != manual["unit"]:
            message = (
                f"L'organisation a déjà un indicateur saisi « {manual['code']} » en {units[manual['code']]} : "
                "utilisez la même unité ou un autre code."
            )
            found.append(((*path, "indicator", "manual", "unit"), message))
    return _sorted(found)


# Export


def _plain(value: float | None) -> float | int | None:
    """Whole numbers without decimals: targets are stored as floats but usually typed as integers."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def export_scheme(scheme: Scheme) -> dict:
    """The document of a scheme; positions become the order of the lists."""
    axes = scheme.axes.prefetch_related(
        "engagements__objectives__targets", "engagements__objectives__manual_indicator", "engagements__actions"
    )
    return {
        "format": FORMAT,
        "version": VERSION,
        "scheme": _export_header(scheme),
        "axes": [_export_axis(axis) for axis in axes],
    }


def _export_header(scheme: Scheme) -> dict:
    return {
        "title": scheme.title,
        "edition": scheme.edition,
        "start_year": scheme.start_year,
        "end_year": scheme.end_year,
        "status": scheme.status,
        "adoption_date": _iso(scheme.adoption_date),
        "deliberation": scheme.deliberation,
        "summary": scheme.summary,
        "population": scheme.population,
        "purchase_volume": scheme.purchase_volume,
        "mutualised": scheme.mutualised,
        "mutualised_with": scheme.mutualised_with,
        "organisations": [{"siren": o.siren, "name": o.name} for o in scheme.all_organisations()],
    }


def _export_axis(axis: Axis) -> dict:
    return {
        "title": axis.title,
        "theme": axis.theme,
        "description": axis.description,
        "engagements": [_export_engagement(engagement) for engagement in axis.engagements.all()],
    }


def _export_engagement(engagement: Engagement) -> dict:
    return {
        "title": engagement.title,
        "description": engagement.description,
        "objectives": [_export_objective(objective) for objective in engagement.objectives.all()],
        "actions": [_export_action(action) for action in engagement.actions.all()],
    }


def _export_objective(objective: Objective) -> dict:
    return {
        "title": objective.title,
        "indicator": _export_indicator(objective),
        "baseline_year": objective.baseline_year,
        "baseline_value": _plain(objective.baseline_value),
        "deadline_year": objective.deadline_year,
        "targets": [{"year": target.year, "value": _plain(target.value)} for target in objective.targets.all()],
    }


def _export_indicator(objective: Objective) -> dict:
    manual = objective.manual_indicator
    if manual is None:
        return {"catalogue": objective.indicator_code}
    return {"manual": {"code": manual.code, "label": manual.label, "unit": manual.unit}}


def _export_action(action: Action) -> dict:
    return {"title": action.title, "owner": action.owner, "status": action.status, "due_date": _iso(action.due_date)}


# Import


def import_scheme(document: object, organisation: Organisation, user=None) -> Scheme:
    """A new draft scheme of `organisation` built from the document, or ExchangeInvalid and nothing stored.

    The partners of the document known on the platform are invited (pending), never attached: see `partnerships`.
    """
    errors = validate(document) or _conflicts_with(document, organisation)
    if errors:
        raise ExchangeInvalid(errors)
    with transaction.atomic():
        scheme = _create_scheme({**_defaults("scheme"), **document["scheme"]}, organisation, user)
        for position, axis in enumerate(document["axes"]):
            _create_axis(scheme, position, {**_defaults("axis"), **axis})
    logger.info("Scheme %s imported into organisation %s by user %s", scheme.pk, organisation.pk, user and user.pk)
    return scheme


def _date_or_none(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _partners(entries: list[dict], owner: Organisation) -> tuple[list[Organisation], list[dict]]:
    """The organisations of the platform among the entries (the owner excepted), and the entries it does not know."""
    known = {o.siren: o for o in Organisation.objects.filter(siren__in=[entry["siren"] for entry in entries])}
    partners = {entry["siren"]: known[entry["siren"]] for entry in entries if entry["siren"] in known}
    partners.pop(owner.siren, None)
    return list(partners.values()), [entry for entry in entries if entry["siren"] not in known]


def _mutualised_with(text: str, unknown: list[dict]) -> str:
    joined = ", ".join([part for part in [text, *(f"{o['name']} (SIREN {o['siren']})" for o in unknown)] if part])
    return joined if len(joined) <= MUTUALISED_WITH_LENGTH else joined[: MUTUALISED_WITH_LENGTH - 1] + "…"


def _create_scheme(header: dict, organisation: Organisation, invited_by) -> Scheme:
    # The document's first organisation is the one that wrote it: the importer owns the copy.
    partners, unknown = _partners(header["organisations"][1:], organisation)
    scheme = Scheme.objects.create(
        organisation=organisation,
        title=header["title"],
        slug=unique_slug(f"{organisation.name} {header['title']}"),
        edition=header["edition"],
        start_year=header["start_year"],
        end_year=header["end_year"],
        status=Status.DRAFT,
        adoption_date=_date_or_none(header["adoption_date"]),
        deliberation=header["deliberation"],
        summary=header["summary"],
        population=header["population"],
        purchase_volume=header["purchase_volume"],
        mutualised=header["mutualised"],
        mutualised_with=_mutualised_with(header["mutualised_with"], unknown),
    )
    for partner in partners:
        partnerships.propose(scheme, partner, invited_by)
    return scheme


def _create_axis(scheme: Scheme, position: int, data: dict) -> None:
    axis = Axis.objects.create(
        scheme=scheme, title=data["title"], theme=data["theme"], description=data["description"], position=position
    )
    for index, engagement in enumerate(data["engagements"]):
        _create_engagement(axis, index, {**_defaults("engagement"), **engagement})


def _create_engagement(axis: Axis, position: int, data: dict) -> None:
    engagement = Engagement.objects.create(
        axis=axis, title=data["title"], description=data["description"], position=position
    )
    for index, objective in enumerate(data["objectives"]):
        _create_objective(engagement, index, {**_defaults("objective"), **objective})
    for index, action in enumerate(data["actions"]):
        action = {**_defaults("action"), **action}
        Action.objects.create(
            engagement=engagement,
            title=action["title"],
            owner=action["owner"],
            status=action["status"],
            due_date=_date_or_none(action["due_date"]),
            position=index,
        )


def _create_objective(engagement: Engagement, position: int, data: dict) -> None:
    indicator = data["indicator"]
    objective = Objective.objects.create(
        engagement=engagement,
        title=data["title"],
        indicator_code=indicator.get("catalogue", ""),
        manual_indicator=_manual_indicator(engagement.axis.scheme.organisation, indicator.get("manual")),
        baseline_year=data["baseline_year"],
        baseline_value=data["baseline_value"],
        deadline_year=data["deadline_year"],
        position=position,
    )
    Target.objects.bulk_create(
        Target(objective=objective, year=target["year"], value=target["value"]) for target in data["targets"]
    )


def _manual_indicator(organisation: Organisation, data: dict | None) -> ManualIndicator | None:
    if data is None:
        return None
    indicator, _ = ManualIndicator.objects.get_or_create(
        organisation=organisation, code=data["code"], defaults={"label": data["label"], "unit": data["unit"]}
    )
    return indicator
