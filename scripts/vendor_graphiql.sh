#!/usr/bin/env bash
# Refreshes the GraphiQL page's assets in zhtj/graphql/static/graphiql/ from the npm registry, so the page
# served at GET /graphql needs no outside host (docs/decisions/0014-graphiql-served-from-the-package.md).
#
#   scripts/vendor_graphiql.sh            # the pinned versions below
#   GRAPHIQL=3.8.3 REACT=18.2.0 scripts/vendor_graphiql.sh
#
# Needs npm (only `npm pack`: nothing is installed), tar and python3. Afterwards: run
# tests/api/test_graphiql.py and tests/integration/test_graphiql_browser.py, look at the page, commit the directory.
set -euo pipefail
cd "$(dirname "$0")/.."

GRAPHIQL="${GRAPHIQL:-3.8.3}"            # what strawberry-graphql's own page loads; 4.x deprecates UMD, 5 has none
REACT="${REACT:-18.2.0}"                 # react and react-dom, the same version
EXPLORER="${EXPLORER:-1.0.2}"            # @graphiql/plugin-explorer
GRAPHIQL_EXPLORER="${GRAPHIQL_EXPLORER:-0.9.0}"  # graphiql-explorer, bundled inside the plugin (for its LICENSE)

dest=zhtj/graphql/static/graphiql
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

unpack() {  # unpack <package@version> <dir>: the package's files in $work/<dir>/package
  mkdir -p "$work/$2"
  (cd "$work/$2" && npm pack --silent "$1" >/dev/null && tar xzf ./*.tgz)
}
unpack "graphiql@$GRAPHIQL" graphiql
unpack "react@$REACT" react
unpack "react-dom@$REACT" react-dom
unpack "@graphiql/plugin-explorer@$EXPLORER" explorer
unpack "graphiql-explorer@$GRAPHIQL_EXPLORER" graphiql-explorer

mkdir -p "$dest"
find "$dest" -mindepth 1 ! -name README.md -delete  # README.md is written by hand
# file in $dest <- package@version, file in the package
files=(
  "react.production.min.js|react@$REACT|react/package/umd/react.production.min.js"
  "react-dom.production.min.js|react-dom@$REACT|react-dom/package/umd/react-dom.production.min.js"
  "graphiql.min.js|graphiql@$GRAPHIQL|graphiql/package/graphiql.min.js"
  "graphiql.min.css|graphiql@$GRAPHIQL|graphiql/package/graphiql.min.css"
  "plugin-explorer.umd.js|@graphiql/plugin-explorer@$EXPLORER|explorer/package/dist/index.umd.js"
  "plugin-explorer.css|@graphiql/plugin-explorer@$EXPLORER|explorer/package/dist/style.css"
)
for entry in "${files[@]}"; do
  IFS='|' read -r name _ source <<<"$entry"
  cp "$work/$source" "$dest/$name"
done
cp "$work/react/package/LICENSE" "$dest/LICENSE-react"
cp "$work/react-dom/package/LICENSE" "$dest/LICENSE-react-dom"
cp "$work/graphiql/package/LICENSE" "$dest/LICENSE-graphiql"
# @graphiql/plugin-explorer ships no LICENSE file; it is MIT, from the same repository as graphiql
cp "$work/graphiql/package/LICENSE" "$dest/LICENSE-graphiql-plugin-explorer"
cp "$work/graphiql-explorer/package/LICENSE" "$dest/LICENSE-graphiql-explorer"

{
  echo "# Made by scripts/vendor_graphiql.sh from the npm registry; do not edit by hand."
  echo "# file  package@version  path in the package  sha384 (as in a Subresource Integrity attribute)"
  for entry in "${files[@]}"; do
    IFS='|' read -r name package source <<<"$entry"
    sri="sha384-$(python3 -c 'import base64, hashlib, sys; print(base64.b64encode(hashlib.sha384(open(sys.argv[1], "rb").read()).digest()).decode())' "$dest/$name")"
    echo "$name  $package  ${source#*/package/}  $sri"
  done
} >"$dest/VERSIONS"
echo "vendored into $dest:"
cat "$dest/VERSIONS"
du -sh "$dest"
