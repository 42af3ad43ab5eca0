"""The SPASER exchange format ("spaser" 1.0), declared once as Pydantic models.

The published JSON Schema (docs/spaser-schema.json, `schema_json`), the validation of imported files and the export
all come from these models. Their titles, docstrings and descriptions are French on purpose: they are published in
the schema, and a field's title is how an error names it to the person who wrote the file.

A 1.0 file valid for the first, hand-written schema stays valid: the models are strict (no "2024" for 2024, no true
for 1) but accept whole floats as integers, as JSON Schema does.
"""

import json
import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, WithJsonSchema, model_validator
from pydantic.json_schema import GenerateJsonSchema
from pydantic_core import PydanticCustomError

from spaser.indicators.catalogue import BY_CODE
from spaser.plans.models import (
    FIRST_YEAR,
    LAST_YEAR,
    ActionStatus,
    ManualUnit,
    Population,
    PurchaseVolume,
    Status,
    Theme,
)


FORMAT, VERSION = "spaser", "1.0"
SCHEMA_ID = "urn:spaser:exchange-format:1.0"
MAX_EDITION = 99
MUTUALISED_WITH_LENGTH = 500
SIREN_PATTERN = r"^[0-9]{9}$"
SIREN_HINT = "SIREN de l'organisation, 9 chiffres."
MANUAL_CODE_PATTERN = r"^[-a-zA-Z0-9_]+$"
MANUAL_CODE_HINT = "Code de l'indicateur dans l'organisation : lettres, chiffres, - et _."
# What a pattern error tells the writer of the file.
PATTERN_HINTS = {SIREN_PATTERN: SIREN_HINT, MANUAL_CODE_PATTERN: MANUAL_CODE_HINT}


def _whole_number_as_integer(value: Any) -> Any:
    """JSON Schema counts 2025.0 as an integer; strict Pydantic does not."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _iso_date(value: Any) -> Any:
    if not isinstance(value, str):
        return value  # strict validation rejects it as "date_type"
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError("date_format", "invalid date {value}", {"value": value}) from None


def _plain_number(value: float) -> float | int:
    """Whole numbers without decimals: targets are stored as floats but usually typed as integers."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _integer(minimum: int, maximum: int) -> Any:
    # The bounds go inside the validator, where the JSON Schema shows them as minimum and maximum.
    return Annotated[int, Field(ge=minimum, le=maximum), BeforeValidator(_whole_number_as_integer)]


Year = _integer(FIRST_YEAR, LAST_YEAR)
# Written 30 rather than 30.0; still a JSON number to whoever reads the schema of what is written.
Number = Annotated[
    float,
    Field(allow_inf_nan=False),
    PlainSerializer(_plain_number),
    WithJsonSchema({"type": "number"}, mode="serialization"),
]
IsoDate = Annotated[date, BeforeValidator(_iso_date)]


def _choices(*values: str) -> Any:
    return Literal[values]  # type: ignore[valid-type]


def _without_default(schema: dict) -> None:
    """A field that may be absent but not null: its None default is not a value a document may give."""
    del schema["default"]


def _is_none(value: Any) -> bool:
    return value is None


class Part(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class Organisation(Part, title="Organisation"):
    """Une organisation (acheteur public)."""

    siren: str = Field(title="SIREN", description=SIREN_HINT, pattern=SIREN_PATTERN)
    name: str = Field(title="nom", description="Nom de l'organisation.", min_length=1, max_length=255)


class Scheme(Part, title="SPASER"):
    """Les informations générales du SPASER."""

    title: str = Field(title="titre", description="Titre du SPASER.", min_length=1, max_length=255)
    edition: _integer(1, MAX_EDITION) = Field(
        1, title="édition", description="Numéro d'édition (1 pour le premier SPASER de l'organisation)."
    )
    start_year: Year = Field(title="première année", description="Première année couverte.")
    end_year: Year = Field(title="dernière année", description="Dernière année couverte (au moins la première).")
    status: _choices(*Status.values) = Field(
        Status.DRAFT.value,
        title="statut",
        description="Statut ; un SPASER importé est toujours enregistré comme brouillon.",
    )
    adoption_date: IsoDate | None = Field(
        None,
        title="date d'adoption",
        description="Date d'adoption par l'assemblée délibérante (AAAA-MM-JJ), ou null.",
    )
    deliberation: str = Field("", title="délibération", description="Référence de la délibération.", max_length=255)
    summary: str = Field("", title="présentation", description="Présentation du SPASER.")
    population: _choices("", *Population.values) = Field(
        "", title="population", description="Tranche du nombre d'habitants (chaîne vide si non renseignée)."
    )
    purchase_volume: _choices("", *PurchaseVolume.values) = Field(
        "",
        title="volume d'achat",
        description="Tranche du volume annuel d'achat estimé (chaîne vide si non renseignée).",
    )
    mutualised: bool = Field(False, title="mutualisé", description="SPASER mutualisé entre plusieurs acheteurs.")
    mutualised_with: str = Field(
        "",
        title="acheteurs associés",
        description="Acheteurs associés qui ne sont pas sur la plateforme.",
        max_length=MUTUALISED_WITH_LENGTH,
    )
    organisations: list[Organisation] = Field(
        [],
        title="organisations",
        description=(
            "Organisations du SPASER : la première est l'organisation porteuse, les suivantes sont les partenaires "
            "qui ont accepté de le partager. À l'import, l'organisation porteuse est celle qui importe ; les "
            "suivantes connues de la plateforme sont invitées et ne comptent qu'une fois l'invitation acceptée par "
            "un de leurs administrateurs."
        ),
    )


class ManualIndicator(Part, title="Indicateur saisi"):
    """Un indicateur que les données essentielles ne donnent pas, saisi par l'organisation."""

    code: str = Field(title="code", description=MANUAL_CODE_HINT, pattern=MANUAL_CODE_PATTERN, max_length=32)
    label: str = Field(title="libellé", description="Libellé de l'indicateur.", min_length=1, max_length=255)
    unit: _choices(*ManualUnit.values) = Field(title="unité", description="Unité de l'indicateur.")


class Indicator(Part, title="Indicateur", json_schema_extra={"minProperties": 1, "maxProperties": 1}):
    """Un indicateur du catalogue (« catalogue ») ou saisi par l'organisation (« manual »), pas les deux."""

    # Absent rather than null: a document names exactly one of the two.
    catalogue: _choices(*BY_CODE) = Field(
        None,
        title="code du catalogue",
        description="Code de l'indicateur du catalogue.",
        json_schema_extra=_without_default,
        exclude_if=_is_none,
    )
    manual: ManualIndicator = Field(
        None,
        title="saisi",
        description="Indicateur saisi par l'organisation.",
        json_schema_extra=_without_default,
        exclude_if=_is_none,
    )

    @model_validator(mode="before")
    @classmethod
    def one_kind(cls, data: Any) -> Any:
        if isinstance(data, dict) and len(data) != 1:
            raise PydanticCustomError("one_of", "exactly one of {fields}", {"fields": ", ".join(cls.model_fields)})
        return data

    @property
    def unit(self) -> str:
        return self.manual.unit if self.manual else BY_CODE[self.catalogue].unit


class Target(Part, title="cible"):
    """La valeur visée une année."""

    year: Year = Field(title="année", description="Année de la cible, dans la période du SPASER.")
    value: Number = Field(
        title="valeur", description="Valeur visée, dans l'unité de l'indicateur (% de 0 à 100, sinon positive)."
    )


class Objective(Part, title="Objectif"):
    """Un objectif chiffré, mesuré par un indicateur."""

    title: str = Field(title="intitulé", description="Intitulé de l'objectif.", min_length=1, max_length=255)
    indicator: Indicator = Field(title="indicateur", description="L'indicateur qui mesure l'objectif.")
    baseline_year: Year | None = Field(
        None,
        title="année de référence",
        description="Année de la valeur de référence (peut précéder la période), ou null.",
    )
    baseline_value: Number | None = Field(
        None,
        title="valeur de référence",
        description="Valeur de référence, dans l'unité de l'indicateur (% de 0 à 100), ou null.",
    )
    deadline_year: Year = Field(
        title="échéance", description="Année d'échéance de l'objectif, dans la période du SPASER."
    )
    targets: list[Target] = Field([], title="cibles", description="Les cibles, une par année au plus.")


class Action(Part, title="Action"):
    """Une action d'un engagement."""

    title: str = Field(title="intitulé", description="Intitulé de l'action.", min_length=1, max_length=255)
    owner: str = Field(title="direction pilote", description="Direction pilote.", min_length=1, max_length=255)
    status: _choices(*ActionStatus.values) = Field(
        ActionStatus.PLANNED.value, title="état", description="État d'avancement."
    )
    due_date: IsoDate | None = Field(None, title="échéance", description="Échéance (AAAA-MM-JJ), ou null.")


class Engagement(Part, title="Engagement"):
    """Un engagement d'un axe."""

    title: str = Field(title="titre", description="Titre de l'engagement.", min_length=1, max_length=255)
    description: str = Field("", title="description", description="Description de l'engagement.")
    objectives: list[Objective] = Field(
        [], title="objectifs", description="Les objectifs chiffrés de l'engagement, dans l'ordre."
    )
    actions: list[Action] = Field([], title="actions", description="Les actions de l'engagement, dans l'ordre.")


class Axis(Part, title="Axe"):
    """Un axe du SPASER."""

    title: str = Field(title="titre", description="Titre de l'axe.", min_length=1, max_length=255)
    theme: _choices(*Theme.values) = Field(title="thème", description="Thème de l'axe.")
    description: str = Field("", title="description", description="Description de l'axe.")
    engagements: list[Engagement] = Field(
        [], title="engagements", description="Les engagements de l'axe, dans l'ordre."
    )


class Document(Part, title=f"Format d'échange d'un SPASER, version {VERSION}"):
    """Un schéma de promotion des achats socialement et écologiquement responsables (SPASER) : ses axes, leurs
    engagements, les objectifs chiffrés (indicateur, valeur de référence, cibles par année) et les actions de
    chaque engagement. L'ordre des listes est l'ordre d'affichage."""

    format: Literal[FORMAT] = Field(title="format", description="Toujours « spaser ».")
    version: Literal[VERSION] = Field(title="version", description=f"Version du format : « {VERSION} ».")
    scheme: Scheme = Field(title="SPASER", description="Le SPASER lui-même.")
    axes: list[Axis] = Field(title="axes", description="Les axes du SPASER, dans l'ordre.")


class _PublishedSchema(GenerateJsonSchema):
    """Pydantic's schema, with its dialect and identifier first, fields in declaration order, definitions last."""

    def generate(self, schema, mode="validation"):
        generated = super().generate(schema, mode)
        definitions = generated.pop("$defs")
        return {"$schema": self.schema_dialect, "$id": SCHEMA_ID, **generated, "$defs": definitions}

    def sort(self, value, parent_key=None):
        return value


SCHEMA: dict = Document.model_json_schema(schema_generator=_PublishedSchema)


def schema_json() -> str:
    """The text of docs/spaser-schema.json."""
    return json.dumps(SCHEMA, indent=2, ensure_ascii=False) + "\n"
