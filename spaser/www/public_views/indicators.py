"""The public catalogue of indicators: what each one measures, how it is counted, and how far the DECP allow it."""

import unicodedata

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from spaser.formatting import count
from spaser.governance.questionnaires import PLATFORM_CATALOGUE
from spaser.indicators.catalogue import BY_CODE, THEMES
from spaser.indicators.engine import StoreCoverage, store_coverage
from spaser.indicators.methodology import COUNTING_RULES
from spaser.indicators.readers import SHARED_STORES, StoreUnavailable
from spaser.plans.steering import data_version
from spaser.plans.store_cache import versioned
from spaser.www.page_cache import cached_public_page
from spaser.www.unavailable import unavailable


def coverage_version(**_) -> str | None:
    return data_version(settings.SPASER_STORE_DIR)


def national_coverage() -> StoreCoverage:
    """The coverage of the catalogue over the whole store, computed once per store version (`store_cache`).
    Raises StoreUnavailable when the store is missing or unreadable."""
    store = settings.SPASER_STORE_DIR
    version = data_version(store)
    if version is None:
        raise StoreUnavailable(f"{store} : aucun entrepôt DECP ici.")
    SHARED_STORES.handle(store)  # a damaged store is unavailable, even with the previous coverage at hand

    def compute() -> StoreCoverage:
        with SHARED_STORES.reading(store) as (connection, refs):
            return store_coverage(connection, refs)

    return versioned(("store-coverage", str(store)), version, compute)[1]


def _searchable(text: str) -> str:
    """Lower case without accents: « eco » finds « écologiquement »."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _matches(code: str, words: list[str]) -> bool:
    indicator = BY_CODE[code]
    text = _searchable(f"{indicator.code} {indicator.label} {indicator.definition} {indicator.source}")
    return all(word in text for word in words)


@login_not_required
@require_safe
@cached_public_page(coverage_version)
def catalogue(request):
    query = request.GET.get("q", "").strip()
    theme = request.GET.get("theme", "")
    try:
        coverage, unreadable = national_coverage(), None
    except StoreUnavailable as error:
        coverage, unreadable = None, error
    words = _searchable(query).split()
    groups = [
        (item, [(BY_CODE[code], coverage and coverage.by_code[code]) for code in item.codes if _matches(code, words)])
        for item in THEMES
        if theme in ("", item.slug)
    ]
    context = {
        "title": "Catalogue des indicateurs",
        "breadcrumb_data": {"links": [], "current": "Catalogue des indicateurs"},
        "themes": THEMES,
        "theme": theme,
        "query": query,
        "groups": [(item, rows) for item, rows in groups if rows],
        "shown": count(sum(len(rows) for _, rows in groups), "indicateur"),
        "total": len(BY_CODE),
        "coverage": coverage,
        "counting_rules": COUNTING_RULES,
        "platform_indicators": PLATFORM_CATALOGUE,
    }
    if unreadable:
        return unavailable(request, "public/indicators.html", context, unreadable)
    return render(request, "public/indicators.html", context)
