#!/usr/bin/env bash
# Starts a local PostgreSQL for the shared-ledger tests and prints its URL (nothing on failure).
# Used by scripts/test.sh when ZSDESK_TEST_PG=1 (CI sets it). Needs root or sudo; loopback only.
set -uo pipefail
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  $SUDO apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null 2>&1 || exit 0
fi
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
$SUDO pg_ctlcluster "$version" main start >/dev/null 2>&1 || true
for _ in $(seq 1 20); do
  $SUDO su postgres -c "psql -qtAc 'SELECT 1'" >/dev/null 2>&1 && break
  sleep 0.5
done
$SUDO su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='zsdesk_test'\"" 2>/dev/null | grep -q 1 ||
  $SUDO su postgres -c "psql -qc \"CREATE ROLE zsdesk_test LOGIN PASSWORD 'zsdesk_test' CREATEDB CREATEROLE\"" >/dev/null 2>&1 || exit 0
# The roles tests (issue 17) create the group roles and per-test logins: the test user needs CREATEROLE.
$SUDO su postgres -c "psql -qc \"ALTER ROLE zsdesk_test CREATEROLE\"" >/dev/null 2>&1 || exit 0
echo "postgresql+psycopg://zsdesk_test:zsdesk_test@127.0.0.1:5432/postgres"
