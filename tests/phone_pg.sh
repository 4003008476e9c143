#!/usr/bin/env bash
# The phone page's report form and recorded lookups on a PostgreSQL
# collector (tests/phone_pg.py) against a private cluster (tests/pg_lib.sh).
# usage: tests/phone_pg.sh DRIVER OCOP_HOST
set -euo pipefail
. "$(dirname "$0")/pg_lib.sh"
PG_FAST=1 pg_start
PG_CONN=$PG_CONN PG_BIN=$PG_BIN python3 "$(dirname "$0")/phone_pg.py" "$1" "$2"
