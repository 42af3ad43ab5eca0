"""Fetch the pinned front-end assets from the npm registry, check their sha256, extract them (never committed).

Run by `make install`; does nothing when the assets of the pinned version are already in place. DSFR Chart is
served with the site's static files; axe-core only runs in the browser tests, so it stays out of them (var/).
"""

import hashlib
import io
import sys
import tarfile
from pathlib import Path

import httpx


ROOT = Path(__file__).resolve().parents[1]
ASSETS = {
    "dsfr-chart": {
        "target": ROOT / "spaser" / "static" / "vendor" / "dsfr-chart",
        "url": "https://registry.npmjs.org/@gouvfr/dsfr-chart/-/dsfr-chart-2.0.4.tgz",
        "sha256": "666f5491d9bd957fee09ace4bf030c11679c5216daec30a6b53dd8d87a2116c0",
        "members": {
            "package/dist/DSFRChart/DSFRChart.js": "DSFRChart.js",
            "package/dist/DSFRChart/DSFRChart.css": "DSFRChart.css",
        },
    },
    "axe-core": {
        "target": ROOT / "var" / "vendor" / "axe-core",
        "url": "https://registry.npmjs.org/axe-core/-/axe-core-4.14.1.tgz",
        "sha256": "e6b0ce02b84d892e2e33e403485e7f3d6c29e2be6df65daf44d89ba564139745",
        "members": {"package/axe.min.js": "axe.min.js", "package/LICENSE": "LICENSE"},
    },
}


def vendor(spec: dict) -> None:
    target = spec["target"]
    stamp = target / ".sha256"
    if stamp.exists() and stamp.read_text() == spec["sha256"]:
        return
    print(f"Téléchargement de {spec['url']}")
    payload = httpx.get(spec["url"], follow_redirects=True, timeout=60).raise_for_status().content
    digest = hashlib.sha256(payload).hexdigest()
    if digest != spec["sha256"]:
        sys.exit(f"Empreinte inattendue pour {spec['url']} : {digest} au lieu de {spec['sha256']}")
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(payload), mode="r:gz") as archive:
        for member, filename in spec["members"].items():
            (target / filename).write_bytes(archive.extractfile(member).read())
    stamp.write_text(spec["sha256"])


if __name__ == "__main__":
    for asset_spec in ASSETS.values():
        vendor(asset_spec)
