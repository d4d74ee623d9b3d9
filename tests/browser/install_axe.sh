#!/usr/bin/env bash
# Install axe-core (the accessibility checker the browser tests inject into pages) from the
# npm registry, once. It goes into .venv/node_modules: git-ignored, removed by `make clean`,
# and no package.json is needed in the repository. Pinned so every run applies the same rules.
set -euo pipefail
cd "$(dirname "$0")/../.."
AXE_VERSION=4.14.1
PREFIX=.venv
# already there: from the project's own package.json (node_modules/), or from a previous run
[ -f node_modules/axe-core/axe.min.js ] && exit 0
grep -qs "\"version\": \"$AXE_VERSION\"" "$PREFIX/node_modules/axe-core/package.json" && exit 0
if ! command -v npm >/dev/null; then
  echo "npm is missing: install Node.js (sudo apt-get install -y npm) to run the accessibility checks" >&2
  exit 1
fi
npm install --prefix "$PREFIX" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
  "axe-core@$AXE_VERSION"
