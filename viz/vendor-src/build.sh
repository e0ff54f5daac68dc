#!/usr/bin/env bash
# Rebuild minekg/assets/viz/vendor/graph-libs.min.js and LICENSES.txt from the npm registry, in a
# temporary folder (no node_modules is left in the tree). Needs node and npm; `make run` does not.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../../minekg/assets/viz/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/package.json" "$here/package-lock.json" "$here/entry.js" "$work/"
cd "$work"
npm ci --no-audit --no-fund --silent  # exactly the versions in package-lock.json
npx --no-install esbuild entry.js --bundle --minify --format=iife --target=es2019 --legal-comments=none \
  --outfile="$out/graph-libs.min.js"
{
  echo "viz/vendor/graph-libs.min.js bundles these npm packages (all MIT); their licences follow."
  for pkg in sigma @sigma/edge-curve graphology graphology-utils events; do
    version="$(node -p "require('./node_modules/$pkg/package.json').version")"
    echo; echo "==== $pkg $version ===="
    cat node_modules/$pkg/LICENSE* 
  done
} > "$out/LICENSES.txt"
echo "wrote $out/graph-libs.min.js ($(wc -c < "$out/graph-libs.min.js") bytes) and $out/LICENSES.txt"
