#!/usr/bin/env bash
# The tree's mechanical rules, as curl checks its own: no unsafe string
# functions in product code, and every C file formatted with the committed
# .clang-format. Prints each offence; exits 1 if there is any.
set -uo pipefail
cd "$(dirname "$0")/.."
bad=0

# Banned: unbounded or truncating-without-telling string functions.
banned='\b(sprintf|vsprintf|strcpy|strncpy|strcat|strncat|strtok|gets)[[:space:]]*\('
while IFS= read -r hit; do
    echo "banned function: $hit"
    bad=1
done < <(git ls-files 'labels/*.c' 'labels/*.h' 'host/*.c' 'host/*.h' \
             'firmware/*.c' 'firmware/*.h' |
         xargs grep -nE "$banned" | grep -vE '^\S+:[0-9]+:\s*(/\*|\*( |/|$))')

if command -v clang-format >/dev/null; then
    while IFS= read -r f; do
        if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
            echo "not formatted (clang-format -i $f): $f"
            bad=1
        fi
    done < <(git ls-files '*.c' '*.h')
else
    echo "clang-format missing: formatting not checked" >&2
    bad=1
fi
exit $bad
