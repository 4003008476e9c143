#!/usr/bin/env bash
# Runs the PostgreSQL collector's test program against a private cluster.
# usage: tests/collector_pg.sh path/to/test_collector_pg
set -euo pipefail
. "$(dirname "$0")/pg_lib.sh"
PG_FAST=1 pg_start
PG_CONN=$PG_CONN "$1"
