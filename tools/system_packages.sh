#!/usr/bin/env bash
# Debian packages the application itself needs, installed when missing (by `make install` and `.ci/run`):
# Pango, with which WeasyPrint lays out the PDF steering report. Usage: tools/system_packages.sh [command=package ...]
# installs each extra package whose command is not found.
set -euo pipefail

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
/sbin/ldconfig -p | grep -q libpangoft2-1.0.so.0 || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
for wanted in "$@"; do
    command -v "${wanted%%=*}" >/dev/null 2>&1 || missing+=("${wanted#*=}")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "Installation des paquets Debian manquants : ${missing[*]}"
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
fi
