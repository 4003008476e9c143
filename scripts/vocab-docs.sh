#!/usr/bin/env bash
# vocab-docs.sh -- rewrite the tables in docs/ that are generated from the
# one vocabulary in labels/ (verdict texts, groups, kinds, findings), after a wording
# changed there. The vocab_docs test fails until this has been run.
# Usage: scripts/vocab-docs.sh [BUILD_DIR]   (default build/release)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
cmake --build "$build" --target vocab_docs
"$build/tests/vocab_docs" --write docs/verdicts.md docs/mirror.md \
    docs/inspectors.md
