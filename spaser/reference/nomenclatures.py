"""The INSEE nomenclature of catégories juridiques (levels I, II and III)."""

from spaser.reference.loading import Context, Incoming, Loaded, header_table


# A level-I code has 1 digit, level II 2, level III 4.
CODE_LENGTH = {1: 1, 2: 2, 3: 4}


def load_categories_juridiques(ctx: Context) -> Loaded:
    with header_table(ctx) as table:
        c = table.column
        incoming = Incoming(ctx, "categories_juridiques", table.position)
        incoming.fill(
            f"SELECT ref_text({c('code')}), try_cast(trim({c('niveau')}) AS INTEGER), ref_text({c('libelle')}) "
            f"FROM {table.sql}"
        )
    loaded = Loaded(0)
    lengths = " ".join(f"WHEN {level} THEN {length}" for level, length in CODE_LENGTH.items())
    incoming.reject(
        "niveau IS NULL OR niveau NOT IN (1, 2, 3)",
        "niveau",
        table.header_of("niveau"),
        loaded,
        lambda value: f"niveau « {'' if value is None else value} » invalide (1, 2 ou 3 attendu)",
    )
    incoming.reject(
        f"code IS NULL OR NOT regexp_full_match(code, '[0-9]+') OR length(code) <> CASE niveau {lengths} END",
        "code",
        table.header_of("code"),
        loaded,
        lambda value: f"code « {value or ''} » invalide pour son niveau (1, 2 ou 4 chiffres)",
    )
    incoming.reject(
        "libelle IS NULL", "code", table.header_of("libelle"), loaded, lambda code: f"libellé absent (code {code})"
    )
    incoming.reject(
        "rowid IN (SELECT rowid FROM (SELECT rowid, row_number() OVER (PARTITION BY code ORDER BY rowid) AS n "
        "FROM _incoming_categories_juridiques) WHERE n > 1)",
        "code",
        table.header_of("code"),
        loaded,
        lambda code: f"code « {code} » en double",
    )
    loaded.rows = incoming.replace_all()
    return loaded
