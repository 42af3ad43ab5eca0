"""Canonical DECP enumerations and the variants found in real files.

Canonical labels are those of the official schemas (2.0.3 for format 2022, 1.5.0 for the values
that only exist in format 2019). Variants are matched on a folded key (lower case, no accents,
punctuation and apostrophes as spaces, `œ` as `oe`), computed by the same SQL macro `enum_key`
at import time, so that `APPEL D’OFFRES OUVERT` and `Appel d offres ouvert` both reach
`Appel d'offres ouvert`. Each mapping lists canonical values (mapped to themselves) plus explicit
variants; anything else is flagged as an unknown value and kept in the flag.
"""

# Markers that mean "no information" in producers' files: PES sends NC, data.economie writes MQ/CDL.
UNKNOWN_MARKERS = ("NC", "MQ", "CDL", "MQ NC", "nan", "null", "None", "N/A")

PROCEDURES = {
    "Procédure adaptée": (),
    "Appel d'offres ouvert": (),
    "Appel d'offres restreint": (),
    "Procédure avec négociation": (
        "Procédure concurrentielle avec négociation",
        "Procédure négociée avec mise en concurrence préalable",
    ),
    "Marché passé sans publicité ni mise en concurrence préalable": (
        "Marché négocié sans publicité ni mise en concurrence préalable",
        "Marché public négocié sans publicité ni mise en concurrence préalable",
    ),
    "Dialogue compétitif": (),
    # Concessions
    "Procédure négociée ouverte": (),
    "Procédure non négociée ouverte": (),
    "Procédure négociée restreinte": (),
    "Procédure non négociée restreinte": (),
}

NATURES = {
    "Marché": ("Marche", "Marché public"),
    "Marché de partenariat": (),
    "Marché de défense ou de sécurité": ("Marché de sécurité", "Marché de défense"),
    # Format 2019 natures, moved to `techniques` / `modalitesExecution` in 2022
    "Accord-cadre": ("Accord cadre",),
    "Marché subséquent": ("Subsequent", "Marché subsequent"),
    # Concessions
    "Concession de travaux": (),
    "Concession de service": (),
    "Concession de service public": (),
    "Délégation de service public": ("DSP",),
}

PRICE_FORMS = {
    "Unitaire": (),
    "Forfaitaire": (),
    "Mixte": (),
    "Ferme": (),
    "Ferme et actualisable": (),
    "Révisable": (),
}

PRICE_TYPES = {
    "Définitif ferme": (),
    "Définitif actualisable": (),
    "Définitif révisable": (),
    "Provisoire": (),
}

CCAG = {
    "Travaux": (),
    "Maitrise d'œuvre": ("Maîtrise d'œuvre", "Maitrise d'oeuvre", "Maîtrise d'oeuvre"),
    "Fournitures courantes et services": (),
    "Marchés industriels": (),
    "Prestations intellectuelles": (),
    "Techniques de l'information et de la communication": (),
    "Pas de CCAG": ("Sans objet", "Aucun"),
}

GROUPINGS = {
    "Conjoint": (),
    "Solidaire": (),
    "Pas de groupement": ("Sans objet", "Aucun"),
}

TECHNIQUES = {
    "Accord-cadre": (),
    "Concours": (),
    "Système de qualification": (),
    "Système d'acquisition dynamique": ("Acquisition dynamique",),
    "Catalogue électronique": (),
    "Enchère électronique": (),
    "Sans objet": (),
}

EXECUTION_MODES = {
    "Tranches": ("Marché à tranches",),
    "Bons de commande": ("Bon de commande",),
    "Marchés subséquents": ("Marché subséquent",),
    "Mixte": (),
    "Sans objet": (),
}

PLACE_CODE_TYPES = {
    "Code postal": (),
    "Code commune": (),
    "Code arrondissement": (),
    "Code canton": (),
    "Code département": (),
    "Code région": (),
    "Code pays": (),
}

IDENTIFIER_TYPES = {
    "SIRET": (),
    "TVA": ("TVA_INTRACOMMUNAUTAIRE", "TVA intracommunautaire"),
    "TAHITI": (),
    "RIDET": (),
    "FRWF": ("FRW",),
    "IREP": (),
    "UE": (),
    "HORS-UE": ("HORS_UE", "Hors UE"),
}

PRICE_VARIATIONS = {"Ferme": (), "Actualisable": (), "Révisable": ()}

# Considerations: "none" labels map to the empty marker "-", kept apart from unknown (NULL).
NO_CONSIDERATION = "-"
SOCIAL_CONSIDERATIONS = {
    "Clause sociale": (),
    "Critère social": ("Critere social",),
    "Marché réservé": ("Maerché réservé",),  # typo of a pre-release 2.0.1 XSD
    "Concession réservée": (),
    NO_CONSIDERATION: ("Pas de considération sociale", "Sans objet", "Aucune"),
}
ENVIRONMENTAL_CONSIDERATIONS = {
    "Clause environnementale": (),
    "Critère environnemental": (),
    NO_CONSIDERATION: ("Pas de considération environnementale", "Sans objet", "Aucune"),
}

ENUMERATIONS = {
    "procedure": PROCEDURES,
    "nature": NATURES,
    "formePrix": PRICE_FORMS,
    "typePrix": PRICE_TYPES,
    "ccag": CCAG,
    "typeGroupementOperateurs": GROUPINGS,
    "technique": TECHNIQUES,
    "modaliteExecution": EXECUTION_MODES,
    "typeCode": PLACE_CODE_TYPES,
    "typeIdentifiant": IDENTIFIER_TYPES,
    "variationPrix": PRICE_VARIATIONS,
    "considerationSociale": SOCIAL_CONSIDERATIONS,
    "considerationEnvironnementale": ENVIRONMENTAL_CONSIDERATIONS,
}


def variant_rows() -> list[tuple[str, str, str]]:
    """(enumeration, label as written, canonical label) for every canonical value and variant."""
    rows = []
    for enumeration, mapping in ENUMERATIONS.items():
        for canonical, variants in mapping.items():
            labels = variants if canonical == NO_CONSIDERATION else (canonical, *variants)
            rows.extend((enumeration, label, canonical) for label in labels)
    return rows
