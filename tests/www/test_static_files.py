"""Static files as production collects and serves them: the browser accepts every integrity hash a page gives."""

import base64
import hashlib
import re

from django.core.management import call_command

from config.settings.base import STORAGES as PRODUCTION_STORAGES


def test_every_integrity_hash_matches_the_collected_file(client, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "staticfiles": PRODUCTION_STORAGES["staticfiles"]}
    call_command("collectstatic", "--noinput", "-v0")

    page = client.get("/").content.decode()
    linked = re.findall(r'(?:href|src)="/static/([^"]+)"\s+integrity="sha384-([^"]+)"', page)
    assert {path.split("/")[-1].split(".")[0] for path, _ in linked} >= {"dsfr", "utility"}
    for path, expected in linked:
        assert re.search(r"\.[0-9a-f]{12}\.", path), f"{path} is not the hashed name"
        digest = base64.b64encode(hashlib.sha384((tmp_path / path).read_bytes()).digest()).decode()
        assert digest == expected, path
