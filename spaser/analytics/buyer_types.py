"""Who the buyers are: a buyer type for every SIREN, from its catégorie juridique and a few special SIRENs."""

BUYER_TYPES = (
    "Région",
    "Département",
    "Commune",
    "Métropole",
    "Autre EPCI",
    "Syndicat",
    "Établissement public local",
    "Hôpital",
    "Service de l'État",
    "Autre",
)

# INSEE catégories juridiques (niveau III) → buyer type; prefixes of one or two digits cover whole families.
CATEGORY_TYPES = {
    "7230": "Région",
    "7220": "Département",
    "7210": "Commune",
    "7312": "Commune",
    "7344": "Métropole",
    "7342": "Autre EPCI",
    "7343": "Autre EPCI",
    "7346": "Autre EPCI",
    "7347": "Autre EPCI",
    "7348": "Autre EPCI",
    "7340": "Syndicat",
    "7341": "Syndicat",
    "7345": "Syndicat",
    "7349": "Syndicat",
    "7351": "Syndicat",
    "7352": "Syndicat",
    "7353": "Syndicat",
    "7354": "Syndicat",
    "7355": "Syndicat",
    "7356": "Syndicat",
    "7357": "Syndicat",
    "7364": "Hôpital",
    "7365": "Hôpital",
    "7470": "Hôpital",
    "71": "Service de l'État",
    "731": "Établissement public local",
    "732": "Établissement public local",
    "7331": "Établissement public local",
    "736": "Établissement public local",
    "737": "Établissement public local",
    "7381": "Établissement public local",
    "4140": "Établissement public local",
    "4150": "Établissement public local",
}

# Collectivités à statut particulier are "(Autre) collectivité territoriale" (7229) in SIRENE.
SPECIAL_SIRENS = {
    "217500016": "Commune",  # Ville de Paris (commune et département)
    "200046977": "Métropole",  # Métropole de Lyon
    "200076958": "Région",  # Collectivité de Corse
    "200055507": "Région",  # Collectivité territoriale de Martinique
    "200052678": "Région",  # Collectivité territoriale de Guyane
    "229850003": "Département",  # Département de Mayotte
    "200094332": "Département",  # Collectivité européenne d'Alsace
}


def buyer_type_sql(siren: str, category: str) -> str:
    """SQL expression of the buyer type, most specific rule first (SIREN, 4-digit, 3-digit, 2-digit code)."""
    special = " ".join(f"WHEN {siren} = '{code}' THEN '{kind}'" for code, kind in SPECIAL_SIRENS.items())
    by_length = sorted(CATEGORY_TYPES.items(), key=lambda item: -len(item[0]))
    categories = " ".join(
        f"WHEN substr({category}, 1, {len(code)}) = '{code}' THEN '{kind.replace(chr(39), chr(39) * 2)}'"
        for code, kind in by_length
    )
    return f"CASE {special} {categories} ELSE 'Autre' END"
