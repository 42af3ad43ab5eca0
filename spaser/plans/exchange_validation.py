"""Reading and validating a SPASER document of the exchange format (`exchange_format`) before its import.

Errors are French and name the place as a person reads it (« Axe 1 › Engagement 1.2 › Objectif 3 › cible 2026 : … »),
listed in the document's order: Pydantic's errors translated, then the platform's rules (`rules`), then the conflicts
with what the importing organisation already has.
"""

import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from spaser.indicators.catalogue import BY_CODE
from spaser.organisations.models import Organisation
from spaser.plans import exchange_format as fmt
from spaser.plans.models import ManualUnit
from spaser.plans.rules import check_baseline_year, check_period, check_target_value, check_year_in_period


# Errors


Location = tuple[str | int, ...]  # where in the document, as Pydantic gives it: ("axes", 0, "title")


@dataclass(frozen=True)
class ExchangeError:
    """A problem in a document: where, as a person reads it (« Axe 1 › Engagement 1.2 › titre »), and what."""

    place: str
    message: str
    order: tuple = field(default=(), compare=False, repr=False)  # the document's order, to list errors in it

    def __str__(self) -> str:
        return f"{self.place} : {self.message}"


class ExchangeInvalid(Exception):
    def __init__(self, errors: list[ExchangeError]):
        super().__init__(f"{len(errors)} erreur(s) dans le document")
        self.errors = errors


class UnreadableDocument(ValueError):
    """The file is not UTF-8 JSON; the message is in French and names the file."""


def _dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _model_in(annotation: object) -> type[BaseModel] | None:
    """The model a field holds, directly or in a list or an optional."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next((model for arg in get_args(annotation) if (model := _model_in(arg))), None)


def _item_number(model: type[BaseModel], index: int, item: object, parent: str) -> str:
    if model is fmt.Target and isinstance(year := _dict(item).get("year"), int) and not isinstance(year, bool):
        return str(year)  # "cible 2026" says more than "cible 3"
    if model is fmt.Engagement:
        return f"{parent}.{index + 1}"  # engagements are numbered within their axis, as on the platform
    return str(index + 1)


def _locate(location: Location, document: object) -> tuple[str, tuple]:
    """The place of a location, named by the models' titles and the items' numbers, and its order in the document."""
    names, order, model, node, number = [], [], fmt.Document, document, ""
    for step in location:
        if isinstance(step, int):
            node = node[step] if isinstance(node, list) and step < len(node) else None
            if model is not None:
                number = _item_number(model, step, node, number)
                names[-1] = f"{model.model_config['title']} {number}"
            order.append((step, ""))
            continue
        fields = list(model.model_fields) if model else []
        declared = model.model_fields.get(step) if model else None
        names.append(declared.title if declared else step)
        order.append((fields.index(step) if declared else len(fields), step))
        node = _dict(node).get(step)
        model = _model_in(declared.annotation) if declared else None
    return " › ".join(names) or "document", tuple(order)


def _errors(document: object, found: Iterable[tuple[Location, str]]) -> list[ExchangeError]:
    errors = []
    for location, message in dict.fromkeys(found):  # the same problem found twice is listed once
        place, order = _locate(location, document)
        errors.append(ExchangeError(place, message, order))
    return sorted(errors, key=lambda error: error.order)


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
    """Every problem of the document in its order: the format's, then the rules the format cannot express."""
    return _errors(document, _problems(document))


def _problems(document: object) -> list[tuple[Location, str]]:
    try:
        fmt.Document.model_validate(document)
        format_errors = []
    except ValidationError as invalid:
        format_errors = [(tuple(error["loc"]), _in_french(error)) for error in invalid.errors()]
    # A field the format rejects (a year after 2050) would often break a rule too: one message is enough.
    rejected = {location for location, _ in format_errors}
    return [*format_errors, *(error for error in _rule_errors(document) if error[0] not in rejected)]


_TYPE_NAMES = {
    "string_type": "texte",
    "int_type": "nombre entier",
    "float_type": "nombre",
    "bool_type": "booléen (true ou false)",
    "model_type": "objet",
    "list_type": "liste",
}


def _show(value: object) -> str:
    if isinstance(value, str):
        return f"« {value if len(value) <= 60 else value[:59] + '…'} »"
    if isinstance(value, dict | list):
        return "un objet" if isinstance(value, dict) else "une liste"
    return json.dumps(value)


def _allowed_values(location: Location) -> tuple:
    model, declared = fmt.Document, None
    for step in location:
        if isinstance(step, str):
            declared = model.model_fields[step]
            model = _model_in(declared.annotation)
    return get_args(declared.annotation) if get_origin(declared.annotation) is Literal else ()


def _in_french(error: ErrorDetails) -> str:
    """Pydantic's error types, said once in French for the people who write SPASER files."""
    kind, value, context = error["type"], error["input"], error.get("ctx", {})
    if kind in _TYPE_NAMES:
        return f"Type attendu : {_TYPE_NAMES[kind]} ; valeur reçue : {_show(value)}."
    messages = {
        "missing": "Ce champ est obligatoire.",
        "extra_forbidden": "Ce champ n'est pas prévu par le format.",
        "string_too_short": "Ce champ ne peut pas être vide.",
        "string_too_long": f"{context.get('max_length')} caractères au plus.",
        "greater_than_equal": f"La valeur doit être supérieure ou égale à {context.get('ge')}.",
        "less_than_equal": f"La valeur doit être inférieure ou égale à {context.get('le')}.",
        "finite_number": "La valeur doit être un nombre fini.",
        "date_type": f"Date {_show(value)} invalide : format AAAA-MM-JJ attendu.",
        "date_format": f"Date {_show(value)} invalide : format AAAA-MM-JJ attendu.",
        "string_pattern_mismatch": f"Valeur {_show(value)} invalide. {fmt.PATTERN_HINTS.get(context.get('pattern'))}",
        "one_of": f"Indiquez un et un seul de ces champs : {context.get('fields')}.",
    }
    if kind == "literal_error":
        allowed = _allowed_values(error["loc"])
        if len(allowed) == 1:
            return f"Valeur {_show(value)} non prise en charge : {_show(allowed[0])} attendu."
        return f"Valeur {_show(value)} non prévue. Valeurs possibles : {', '.join(map(_show, allowed))}."
    return messages.get(kind, f"Valeur {_show(value)} invalide.")


def _number(value: object) -> float | None:
    """The value if it is a number (JSON booleans are not), for checks that must skip badly typed fields."""
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _items(parent: object, key: str) -> Iterator[tuple[int, dict]]:
    values = _dict(parent).get(key)
    if isinstance(values, list):
        yield from ((index, value) for index, value in enumerate(values) if isinstance(value, dict))


def _objectives(document: object) -> Iterator[tuple[Location, dict]]:
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


def _rule_errors(document: object) -> Iterator[tuple[Location, str]]:
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


def _objective_year_errors(path: Location, objective: dict, start: int, end: int) -> Iterator[tuple[Location, str]]:
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


def _objective_value_errors(path: Location, objective: dict) -> Iterator[tuple[Location, str]]:
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


def _manual_indicator_errors(path: Location, objective: dict, seen: dict[str, dict]) -> Iterator[tuple[Location, str]]:
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


def conflicts_with(document: dict, organisation: Organisation) -> list[ExchangeError]:
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
    return _errors(document, found)
