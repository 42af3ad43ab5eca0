import pytest

from tests.organisations.factories import BuyerAFactory
from tests.plans.factories import ObjectiveFactory, PublishedSchemeFactory, TargetFactory


@pytest.fixture
def real_cache(settings):
    """The production cache backend (the test settings' DummyCache keeps nothing), empty before and after."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
    from django.core.cache import cache

    cache.clear()
    yield cache
    cache.clear()


@pytest.fixture
def published_objective(decp_store):
    """An S1 objective of a published scheme of the hand-counted buyer A: 3 marchés counted in 2024."""
    scheme = PublishedSchemeFactory(organisation=BuyerAFactory(), start_year=2024, end_year=2026)
    item = ObjectiveFactory(engagement__axis__scheme=scheme, indicator_code="S1", baseline_value=20)
    TargetFactory(objective=item, year=2026, value=30)
    return item
