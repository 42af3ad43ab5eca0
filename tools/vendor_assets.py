"""Fetch the pinned front-end assets from the npm registry, check their sha256, extract them (never committed).

Run by `make install`; does nothing when the assets of the pinned version are already in place.
"""

import hashlib
import io
import sys
import tarfile
from pathlib import Path

import httpx


ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "spaser" / "static" / "vendor"
ASSETS = {
    "dsfr-chart": {
        "url": "https://registry.npmjs.org/@gouvfr/dsfr-chart/-/dsfr-chart-2.0.4.tgz",
        "sha256": "666f5491d9bd957fee09ace4bf030c11679c5216daec30a6b53dd8d87a2116c0",
        "members": {
            "package/dist/DSFRChart/DSFRChart.js": "DSFRChart.js",
            "package/dist/DSFRChart/DSFRChart.css": "DSFRChart.css",
        },
    },
}


def vendor(name: str, spec: dict) -> None:
    target = VENDOR / name
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
    for asset_name, asset_spec in ASSETS.items():
        vendor(asset_name, asset_spec)
