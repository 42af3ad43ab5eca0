"""Pages cache what they read from the store by data version: never stale for a scheme's state, never public once
unpublished, and after a store swap the previous values until the new ones are computed in the background."""

import os
import shutil
import threading
import time

import duckdb
import pytest
from django.urls import reverse

from spaser.plans.models import Status
from spaser.plans.store_cache import REFRESHER, lock_for


pytestmark = pytest.mark.usefixtures("real_cache")


@pytest.fixture
def objective(published_objective):
    return published_objective


def public_urls(objective) -> list[str]:
    scheme = objective.engagement.axis.scheme
    return [
        reverse("public:scheme", args=[scheme.slug]),
        reverse("public:contracts", args=[scheme.slug, objective.pk, 2024]),
        reverse("public:contracts", args=[scheme.slug, objective.pk, 2024]) + "?format=csv",
        reverse("api:indicators", args=[scheme.slug]),
    ]


def test_an_unpublished_scheme_is_never_served_from_the_cache(client, objective):
    assert [client.get(url).status_code for url in public_urls(objective)] == [200] * 4

    scheme = objective.engagement.axis.scheme
    scheme.status = Status.DRAFT
    scheme.save()

    assert [client.get(url).status_code for url in public_urls(objective)] == [404] * 4


def counted(client, objective) -> int:
    """Marchés counted in the drill-down's CSV (the page itself may come whole from the public pages' cache)."""
    url = reverse("public:contracts", args=[objective.engagement.axis.scheme.slug, objective.pk, 2024])
    rows = client.get(url, {"format": "csv", "convention": "internationale"}).content.decode().splitlines()[1:]
    return sum(1 for row in rows if ",compté," in row)


def without_clauses(store) -> None:
    """A new store swapped in as an import does: no marché of 2024 counts any more for S1."""
    copy = store / "new.duckdb"
    shutil.copyfile(store / "decp.duckdb", copy)
    with duckdb.connect(str(copy)) as connection:
        connection.execute("UPDATE versions SET considerationsSociales = NULL")
    os.replace(copy, store / "decp.duckdb")


def test_the_drill_down_follows_a_new_store(client, objective, decp_store):
    assert counted(client, objective) == 3
    without_clauses(decp_store)
    assert counted(client, objective) == 0


def test_after_a_swap_the_previous_rows_are_served_until_the_new_ones_are_computed(
    client, objective, decp_store, settings
):
    settings.SPASER_REFRESH_IN_BACKGROUND = True
    assert counted(client, objective) == 3
    without_clauses(decp_store)

    values = [counted(client, objective)]
    deadline = time.monotonic() + 60
    while values[-1] != 0 and time.monotonic() < deadline:
        time.sleep(0.05)
        values.append(counted(client, objective))

    assert values[0] == 3  # the request did not wait for the new store's queries
    assert values[-1] == 0  # the background thread computed them


def test_the_dashboard_and_the_api_follow_a_change_of_the_scheme(client, objective):
    scheme = objective.engagement.axis.scheme
    api = reverse("api:indicators", args=[scheme.slug])
    assert client.get(api).json()["objectives"][0]["final_target"] == 30

    objective.targets.update(value=45)
    scheme.save()  # as the tree's forms do: the scheme's last modification is in every key

    assert client.get(api).json()["objectives"][0]["final_target"] == 45


def test_the_refresher_computes_each_key_once():
    calls = []
    done = threading.Event()

    def compute():
        calls.append(1)
        done.wait(5)

    REFRESHER.submit("k", compute)
    REFRESHER.submit("k", compute)
    done.set()
    deadline = time.monotonic() + 10
    while REFRESHER._pending and time.monotonic() < deadline:
        time.sleep(0.01)
    assert calls == [1]


def test_the_cached_table_follows_the_status_filter(client, objective):
    url = reverse("public:contracts", args=[objective.engagement.axis.scheme.slug, objective.pk, 2024])

    every = client.get(url).content.decode()
    not_counted = client.get(url, {"statut": "non compté"}).content.decode()

    assert "<td>M1</td>" in every and "<td>M2</td>" in every
    assert "<td>M2</td>" in not_counted and "<td>M1</td>" not in not_counted


def test_each_key_has_its_own_lock_so_nested_computations_never_wait_on_themselves():
    held = [lock_for(f"clé-{n}") for n in range(200)]  # a fixed set of locks shared by hashing would repeat

    assert len({id(lock) for lock in held}) == len(held)
    assert lock_for("clé-7") is held[7]
    with lock_for("charge-utile-api"):
        assert lock_for("instantanés").acquire(timeout=1)
