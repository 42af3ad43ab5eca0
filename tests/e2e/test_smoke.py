"""Plumbing of the browser tests: Chromium reaches the live server, which serves pages and static files."""

import re

from playwright.sync_api import expect


def test_admin_login_page_renders(page):
    page.goto("/admin/login/")

    expect(page).to_have_title(re.compile("Django"))
    expect(page.locator("#login-form")).to_be_visible()


def test_static_files_are_served_to_the_browser(page):
    page.goto("/admin/login/")

    for path in ("/static/dsfr/dist/dsfr/dsfr.min.css", "/static/vendor/dsfr-chart/DSFRChart.js"):
        status = page.evaluate("async (path) => (await fetch(path)).status", path)
        assert status == 200, path
