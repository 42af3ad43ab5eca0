"""Browser tests: pytest-playwright driving the system Chromium (Debian package `chromium`) against `live_server`.

Playwright never downloads a browser here (`playwright install` is not used): the executable comes from
CHROMIUM_PATH or the PATH. Without one the tests are skipped, unless SPASER_REQUIRE_BROWSER=1 (set by .ci/run),
where they fail. Every test in this folder is marked `browser` (`pytest -m "not browser"` leaves them out) and
runs in a transactional database, since the live server thread does not see the test's transaction.
"""

import os
import shutil
from pathlib import Path

import pytest


# Sync Playwright keeps an event loop running in the main thread for the whole session, which trips
# Django's async-safety check in every later database access of this worker.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

E2E_DIR = Path(__file__).resolve().parent


def chromium_executable() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    # tryfirst: the django_db(transaction=True) marker must be there before tests/conftest.py adds the default one.
    for item in items:
        if E2E_DIR in item.path.parents:
            item.add_marker(pytest.mark.browser)
            if not item.get_closest_marker("django_db"):
                item.add_marker(pytest.mark.django_db(transaction=True))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = chromium_executable()
    if not executable:
        message = "Chromium introuvable : installez le paquet Debian `chromium` ou définissez CHROMIUM_PATH."
        if os.environ.get("SPASER_REQUIRE_BROWSER") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, live_server):
    return {**browser_context_args, "base_url": live_server.url, "locale": "fr-FR"}


@pytest.fixture
def page(page, live_server):
    """A page whose relative URLs go to the live server; any request leaving it is refused (no network)."""

    def guard(route):
        if route.request.url.startswith(live_server.url) or route.request.url.startswith("data:"):
            route.continue_()
        else:
            route.abort()

    page.context.route("**/*", guard)
    page.set_default_timeout(10_000)
    return page
