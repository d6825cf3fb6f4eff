#!/usr/bin/env bash
# The import benchmark (scripts/bench_import.py) on this checkout and on an earlier
# commit (BEFORE_REF, default main), in the same run, on a throwaway database each:
# SQLite files under var/, or BENCH_DATABASE_URL's server with "_before"/"_after"
# appended to the database name (both must exist and be throwaways).
#
#     BEFORE_REF=main scripts/bench_import_compare.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BEFORE_REF=${BEFORE_REF:-main}
BEFORE_DIR=$(mktemp -d /tmp/bench-import-before.XXXXXX)
cleanup() { git worktree remove --force "$BEFORE_DIR" >/dev/null 2>&1 || rm -rf "$BEFORE_DIR"; }
trap cleanup EXIT
git worktree add --detach --quiet "$BEFORE_DIR" "$BEFORE_REF"
ln -s "$ROOT/.venv" "$BEFORE_DIR/.venv"
mkdir -p var

database() {  # $1: before or after
  if [ -n "${BENCH_DATABASE_URL:-}" ]; then echo "${BENCH_DATABASE_URL}_$1"; else
    rm -f "$ROOT/var/bench-import-$1.sqlite3"*; echo "sqlite:///$ROOT/var/bench-import-$1.sqlite3"; fi
}
echo "== before: $BEFORE_REF ($(git rev-parse --short "$BEFORE_REF"))"
(cd "$BEFORE_DIR" && DATABASE_URL=$(database before) .venv/bin/python scripts/bench_import.py)
echo "== after: $(git rev-parse --abbrev-ref HEAD) ($(git rev-parse --short HEAD))"
DATABASE_URL=$(database after) .venv/bin/python scripts/bench_import.py
