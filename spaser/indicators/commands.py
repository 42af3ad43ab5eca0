"""Command-line handlers of `spaser indicators` and `spaser methodology`."""

import sys
from dataclasses import asdict

import orjson
from rich.console import Console
from rich.table import Table

from spaser.errors import SpaserError
from spaser.formatting import UNITS, count, moment, number, percent, rounded, write_csv
from spaser.indicators.audit import Explanation, explain
from spaser.indicators.catalogue import BY_CODE
from spaser.indicators.engine import (
    NO_CONTRACTS,
    Filters,
    IndicatorValue,
    Scope,
    compute,
    export_parquet,
    missing_reason,
    stores,
)
from spaser.indicators.methodology import render
from spaser.tables import INDICATORS_CSV


def run_indicators(args) -> int:
    filters = Filters(
        kind="concession" if args.concessions else "marche",
        years=tuple(args.year or ()),
        threshold=args.threshold,
        nature=args.nature,
        cpv_division=args.cpv,
        procedure=args.procedure,
    )
    group = "national" if args.national else "buyer_type" if args.by_type else "buyer"
    if args.explain:
        return _explain(args)
    with stores(args.store) as (connection, refs):
        if args.all:
            if not args.out:
                raise SpaserError("--all demande un fichier de sortie : --out FICHIER.parquet")
            rows = export_parquet(connection, refs, filters, args.out, group)
            print(f"{rows} valeurs d'indicateurs écrites dans {args.out}", file=sys.stderr)
            return 0
        scope = Scope(sirens=tuple(args.buyer or ()), sirets=tuple(_split(args.sirets)))
        if scope.everyone and group == "buyer":
            raise SpaserError(
                "Précisez le périmètre : --buyer SIREN, --sirets S1,S2…, --national, --by-type ou --all."
            )
        values = compute(connection, refs, scope, filters, group)
        if scope.sirets and group == "buyer":
            values += [_together(v) for v in compute(connection, refs, scope, filters, "national")]
    _print(values, args.format, args.convention)
    return 0


def _split(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def _together(value: IndicatorValue) -> IndicatorValue:
    """A mutualised scheme also reads its indicators for all its SIRETs together."""
    return IndicatorValue(**{**asdict(value), "buyer": "ensemble"})


def _print(values: list[IndicatorValue], output: str, convention: str) -> None:
    if output == "json":
        print(orjson.dumps([asdict(v) for v in values], option=orjson.OPT_INDENT_2).decode())
    elif output == "csv":
        write_csv(sys.stdout, INDICATORS_CSV.names, map(_shown, values), convention)
    else:
        Console(width=max(Console().width, 200)).print(_table(values))


def _table(values: list[IndicatorValue]) -> Table:
    table = Table(title="Indicateurs SPASER", show_lines=False)
    headers = (
        "Acheteur",
        "Année",
        "Code",
        "Indicateur",
        "Numérateur",
        "Dénominateur",
        "Valeur",
        "Couverture",
        "Remarque",
    )
    for header in headers:
        numeric = header in ("Numérateur", "Dénominateur", "Valeur", "Couverture")
        table.add_column(header, justify="right" if numeric else "left", no_wrap=header != "Indicateur")
    for v in values:
        table.add_row(
            v.buyer,
            str(v.year),
            v.code,
            v.label,
            number(v.numerator),
            number(v.denominator),
            v.text,
            percent(v.coverage),
            missing_reason(v.missing, v.coverage) or "",
        )
    return table


# A share from 0 to 1 shown as a percentage at n decimals is exact at n + 2 decimals.
SHARE_DECIMALS = UNITS["%"].decimals + 2


def _shown(v: IndicatorValue) -> tuple:
    """A row of INDICATORS_CSV, a person's export: the value and the coverage rounded half-up as the table shows
    them (shares at 0.1 point); the numerator and denominator, counts and sums, are exact."""
    value_decimals = SHARE_DECIMALS if v.unit == "%" else UNITS[v.unit].decimals
    return (
        v.buyer,
        v.year,
        v.code,
        v.label,
        v.unit,
        v.numerator,
        v.denominator,
        rounded(v.value, value_decimals),
        rounded(v.coverage, SHARE_DECIMALS),
        v.contracts,
        missing_reason(v.missing, v.coverage),
    )


def _explain(args) -> int:
    indicator = BY_CODE.get(args.explain)
    if indicator is None:
        raise SpaserError(f"Indicateur inconnu : « {args.explain} » (codes : {', '.join(BY_CODE)}).")
    if not args.buyer or len(args.year or ()) != 1:
        raise SpaserError("--explain demande le périmètre --buyer SIREN (répétable) et une seule --year ANNÉE.")
    with stores(args.store) as (connection, refs):
        explanation = explain(connection, refs, args.store, tuple(sorted(args.buyer)), args.year[0], indicator)
    print("\n".join(explanation_lines(explanation)))
    return 0


def explanation_lines(e: Explanation) -> list[str]:
    """The audit of one value, in French, to paste into a report."""
    ind = e.indicator
    lines = [
        f"{ind.code} — {ind.label}",
        f"Périmètre : SIREN {', '.join(e.sirens)} ; marchés notifiés en {e.year}.",
        f"Définition : {ind.definition}",
        f"Source : {ind.source}.",
    ]
    if e.value is None:
        lines.append(f"Valeur : aucune, {missing_reason(NO_CONTRACTS)}.")
    else:
        lines += [
            f"Numérateur : {ind.numerator} = {e.numerator}.",
            f"Dénominateur : {ind.denominator} = {e.denominator}.",
            f"Valeur : {e.value.text}" + (f" — {e.reason}." if e.reason else "."),
            f"Couverture : {percent(e.value.coverage)} ({count(e.value.contracts, 'marché')} notifiés dans l'année).",
        ]
    lines.append(
        "Marchés de l'année : " + " ; ".join(f"{label} {number(total)}" for label, total in e.statuses.items()) + "."
    )
    lines += ["", "Version des données :", f"- entrepôt DECP : {e.data.store_file}"]
    lines += [
        f"- import n° {run.run_id} du {moment(run.finished_at)} : {', '.join(run.files)} "
        f"({count(run.records_read, 'enregistrement')} lus)"
        for run in e.data.imports
    ]
    lines += [
        f"- référentiel {load.kind} : {load.file}, version {load.version}, {count(load.rows, 'ligne')}"
        for load in e.data.references
    ] or ["- référentiels : aucun (classification des titulaires non chargée)"]
    lines += [f"- catalogue des indicateurs : version {e.data.catalogue}", ""]
    lines += [f"Requête (DuckDB), paramètres {orjson.dumps(e.parameters).decode()} :", e.sql]
    return lines


def run_methodology(args) -> int:
    print(render(), end="")
    return 0
