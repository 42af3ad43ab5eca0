"""/observatoire/acheteurs/<siren>/: one buyer's profile — its obligation status with the evidence, its SPASER(s),
its headline indicators per year and where they stand among its peers (same type, same size bracket)."""

import datetime
from dataclasses import dataclass
from itertools import groupby

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from spaser.directory.listing import Listed, known_schemes
from spaser.directory.status import Adoption, adoption_status
from spaser.formatting import FRENCH, INTERNATIONAL, count, number
from spaser.indicators.readers import StoreUnavailable
from spaser.observatory import obligation, profiles
from spaser.observatory.series import SERIES
from spaser.observatory.store import Sources, sources
from spaser.observatory.vocabulary import MEASURES, SUBJECTS
from spaser.publications.status import publication_status
from spaser.tables import PROFILES_CSV
from spaser.www.breadcrumbs import observatory_page
from spaser.www.observatory_views.obligation import default_year, register_version
from spaser.www.observatory_views.reading import observatory, table_file
from spaser.www.page_cache import cached_public_page
from spaser.www.unavailable import unavailable


TEMPLATE = "observatory/profile.html"
# The national files of every buyer's profile: the CSV in each convention and the Parquet file.
FILES = {"profils.csv": FRENCH, f"profils-{INTERNATIONAL}.csv": INTERNATIONAL, "profils.parquet": "parquet"}


def ordinal(rank: int) -> str:
    """« 1er », « 3e »."""
    return "1er" if rank == 1 else f"{number(rank)}e"


def checked_siren(siren: str) -> str:
    if not (siren.isdigit() and len(siren) == 9):
        raise Http404("Adresse invalide : un SIREN a 9 chiffres.")
    return siren


def scheme_states(schemes, year: int) -> list[dict]:
    """Each SPASER of the buyer with what it is in `year`: en vigueur, expiré or not started yet."""
    states = []
    for listed in schemes:
        if listed.in_force(year):
            state = Adoption.IN_FORCE.value
        elif listed.expired(year):
            state = Adoption.EXPIRED.value
        else:
            state = f"à venir (à partir de {listed.start_year})"
        states.append({"listed": listed, "state": state})
    return states


def indicator_years(rows: list[dict]) -> list[dict]:
    """{year, rows} last year first, each row with its series' label and measure and its peer comparison's text."""
    years = []
    for year, found in groupby(rows, key=lambda row: row["year"]):
        years.append({"year": year, "rows": [_labelled(row) for row in found]})
    return years


def _labelled(row: dict) -> dict:
    text = ""
    if row["rank"] is not None:
        text = f"{ordinal(row['rank'])} sur {count(row['peers'], 'acheteur')}"
    return row | {"label": SUBJECTS[row["series"]], "measure_label": MEASURES[row["measure"]], "rank_text": text}


def evolution(rows: list[dict], years: list[int]) -> list[dict]:
    """One line per series and measure: its share each year (None when the year has no value), oldest year first."""
    shares = {(row["series"], row["measure"], row["year"]): row for row in rows}
    return [
        {
            "label": SUBJECTS[s.code],
            "measure_label": MEASURES[s.measure],
            "cells": [shares.get((s.code, s.measure, year)) for year in years],
        }
        for s in SERIES
    ]


@dataclass(frozen=True)
class Buyer:
    """What the observatory knows of one SIREN, for its page and the API."""

    siren: str
    name: str | None
    schemes: list[Listed]
    register: list[dict]
    indicators: list[dict]
    sources: Sources

    @property
    def decp_contracts(self) -> int:
        return sum(row["contracts"] for row in self.register)


def read_buyer(siren: str) -> Buyer | None:
    """None when neither the register nor the directory knows the SIREN; StoreUnavailable without an observatory."""
    schemes = [listed for listed in known_schemes() if siren in listed.sirens]
    with observatory() as connection:
        register = obligation.rows(connection, siren=siren)
        indicators = profiles.read(connection, siren)
        found = sources(connection)
    if not register and not schemes:
        return None
    name = (register[0]["name"] if register else None) or (schemes[0].name if schemes else None)
    return Buyer(siren, name, schemes, register, indicators, found)


@login_not_required
@require_safe
@cached_public_page(register_version)
def profile(request, siren: str):
    siren = checked_siren(siren)
    today = datetime.date.today().year
    context = {
        "siren": siren,
        "current_year": today,
        "threshold": obligation.THRESHOLD,
        "breadcrumb_data": observatory_page(
            (reverse("observatory:obligation"), "Registre des acheteurs soumis au SPASER")
        ),
    }
    try:
        buyer = read_buyer(siren)
    except StoreUnavailable as error:
        return unavailable(request, TEMPLATE, context | {"name": f"SIREN {siren}", "title": f"SIREN {siren}"}, error)
    if buyer is None:
        raise Http404(f"Aucun acheteur connu de l'observatoire avec le SIREN {siren}.")
    name = buyer.name or f"SIREN {siren}"
    register = buyer.register
    by_year = indicator_years(buyer.indicators)
    shown_years = sorted(block["year"] for block in by_year)
    chosen = request.GET.get("annee", "")
    chosen = int(chosen) if chosen.isdigit() and int(chosen) in shown_years else default_year(shown_years)
    adoptions = {row["year"]: adoption_status({siren}, row["year"])[siren] for row in register}
    return render(
        request,
        TEMPLATE,
        context
        | {
            "name": name,
            "title": f"{name} — profil d'acheteur",
            "sources": buyer.sources,
            "schemes": scheme_states(buyer.schemes, today),
            "publication": publication_status({siren}, datetime.date.today())[siren],
            "register": [row | {"adoption": adoptions[row["year"]]} for row in register],
            "buyer_type": register[0]["buyer_type"] if register else buyer.schemes[0].structure_type,
            "uncertain_type": bool(register and register[0]["uncertain_type"]),
            "decp_contracts": buyer.decp_contracts,
            "indicator_years": shown_years[::-1],
            "year": chosen,
            "year_block": next((block for block in by_year if block["year"] == chosen), None),
            "evolution": evolution(buyer.indicators, shown_years),
            "evolution_years": shown_years,
            "files": {file: reverse("observatory:profiles_download", args=[file]) for file in FILES},
        },
    )


@login_not_required
@require_safe
def obligation_history(request, siren: str):
    """The former per-buyer history of the register, now a section of the profile."""
    return redirect("observatory:profile", siren=checked_siren(siren), permanent=True)


@login_not_required
@require_safe
def download(request, name: str):
    convention = FILES.get(name)
    if convention is None:
        raise Http404("Fichier inconnu.")
    return table_file(request, name, convention, profiles.export_sql, PROFILES_CSV.names)
