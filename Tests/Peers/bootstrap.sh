#!/usr/bin/env bash
# Creates the venv of the test peers (grpcio, h2, nacos-sdk-python, ...) at <repo>/.build/peers-venv from the
# pinned requirements.txt beside this script; a second run with unchanged requirements does nothing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${NACOS_PEERS_VENV:-$root/.build/peers-venv}"
requirements="$here/requirements.txt"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$requirements" | cut -d' ' -f1)"

if [ -x "$venv/bin/python3" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "test peers: $venv is up to date"
    exit 0
fi
command -v python3 >/dev/null 2>&1 || { echo "test peers: python3 is missing (apt-get install python3 python3-venv)" >&2; exit 1; }
rm -rf "$venv"
mkdir -p "$(dirname "$venv")"
if ! python3 -m venv "$venv"; then
    echo "test peers: 'python3 -m venv' failed; on Debian install python3-venv" >&2
    exit 1
fi
"$venv/bin/python3" -m pip install --quiet --disable-pip-version-check -r "$requirements"
echo "$want" > "$stamp"
echo "test peers: installed into $venv"
