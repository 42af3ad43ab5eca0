"""The categories of responsible purchases article L2111-3 asks a SPASER to measure, each in number of contracts and
in value: the catalogue's indicator for the measure it defines, a variant with the same condition for the other.

Read by the observatory's national series and by the biennial legal publication of a buyer.
"""

from dataclasses import dataclass

from spaser.indicators.catalogue import BY_CODE, Indicator, share


COUNTED, VALUED = "nombre", "valeur"
MEASURES = {COUNTED: "en nombre de marchés", VALUED: "en valeur (montant initial HT)"}
CATEGORIES = {
    "social": "Marchés avec au moins une considération sociale",
    "environnement": "Marchés avec au moins une considération environnementale",
    "reserve": "Marchés réservés",
    "esus": "Marchés attribués à une entreprise agréée ESUS",
    "inclusif": "Marchés attribués à un employeur inclusif (SIAE, EA, ESAT, GEIQ)",
    "pme": "Marchés attribués à une PME",
}


@dataclass(frozen=True)
class LegalMeasure:
    category: str  # a key of CATEGORIES
    measure: str  # COUNTED or VALUED
    indicator: Indicator  # unknown excluded: the catalogue's definition, or its variant in the other measure

    @property
    def rule(self) -> str:
        """The counting rule, in French: what is counted over what."""
        ind = self.indicator
        return f"{ind.definition} Numérateur : {ind.numerator}. Dénominateur : {ind.denominator}."


def _variant(code: str, base: str, condition: str, known: str, by_value: bool) -> Indicator:
    """The catalogue's `base` share in its other measure (count or value), with the same condition."""
    defined = BY_CODE[base]
    if by_value:
        label = f"{defined.label}, en valeur"
        definition = f"Même définition que {base}, en montant initial (HT) des marchés."
        numerator, denominator = f"montant des {defined.numerator}", f"montant des {defined.denominator}"
    else:
        label = f"{defined.label}, en nombre de marchés"
        definition = f"Même définition que {base}, en nombre de marchés."
        numerator = defined.numerator.removeprefix("montant des ")
        denominator = defined.denominator.removeprefix("montant des ")
    return share(code, label, definition, numerator, denominator, condition, known, "''", defined.source, by_value)


LEGAL_MEASURES: tuple[LegalMeasure, ...] = (
    LegalMeasure("social", COUNTED, BY_CODE["S1"]),
    LegalMeasure("social", VALUED, BY_CODE["S2"]),
    LegalMeasure("environnement", COUNTED, BY_CODE["E1"]),
    LegalMeasure("environnement", VALUED, BY_CODE["E2"]),
    LegalMeasure("reserve", COUNTED, BY_CODE["S3_RESERVE"]),
    LegalMeasure("reserve", VALUED, _variant("S3_RESERVE_VALEUR", "S3_RESERVE", "reserved", "social_known", True)),
    LegalMeasure("esus", COUNTED, _variant("A2_NOMBRE", "A2", "any_esus", "awardees_known", False)),
    LegalMeasure("esus", VALUED, BY_CODE["A2"]),
    LegalMeasure("inclusif", COUNTED, _variant("A3_NOMBRE", "A3", "any_inclusive", "awardees_known", False)),
    LegalMeasure("inclusif", VALUED, BY_CODE["A3"]),
    LegalMeasure("pme", COUNTED, BY_CODE["P1"]),
    LegalMeasure("pme", VALUED, _variant("P1_VALEUR", "P1", "any_pme", "category_known", True)),
)
LEGAL_INDICATORS = tuple(measure.indicator for measure in LEGAL_MEASURES)
