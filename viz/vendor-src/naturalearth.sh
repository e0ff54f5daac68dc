#!/usr/bin/env bash
# Rebuild viz/vendor/naturalearth/countries-110m.json (the country shapes of `minekg map`) from the
# Natural Earth 1:110m admin-0 countries that geopandas 0.14.4 ships in its wheel (PyPI), in a temporary
# folder: pip downloads the wheel, pyshp reads the shapefile, naturalearth.py writes the JSON.
# Needs network access to PyPI; `make run` does not.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../vendor/naturalearth"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q pyshp==2.3.1
"$work/venv/bin/pip" download -q --no-deps geopandas==0.14.4 -d "$work"
(cd "$work" && python3 -m zipfile -e geopandas-0.14.4-py3-none-any.whl wheel)
"$work/venv/bin/python" "$here/naturalearth.py" "$work/wheel/geopandas/datasets/naturalearth_lowres/naturalearth_lowres" \
  "$out/countries-110m.json"
cp "$work/wheel/geopandas-0.14.4.dist-info/LICENSE.txt" "$out/LICENSE-geopandas.txt"
echo "wrote $out/countries-110m.json ($(wc -c < "$out/countries-110m.json") bytes)"
