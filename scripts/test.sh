#!/usr/bin/env bash
# Runs every test of the solution. Installs redis-server and PostgreSQL when they are missing (the
# integration-test fixtures start throwaway servers on free loopback ports themselves); set
# ASPECTS_TEST_REDIS / ASPECTS_TEST_POSTGRES to use existing servers instead.
# One TRX file per test project goes to $ASPECTS_TEST_RESULTS (default artifacts/test-results).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-test-servers.sh

results="${ASPECTS_TEST_RESULTS:-artifacts/test-results}"
rm -rf "$results"
dotnet build Aspects.sln

status=0
for project in tests/*/*.csproj; do
    name=$(basename "$project" .csproj)
    grep -q '<IsTestProject>true</IsTestProject>' "$project" || continue
    dotnet test "$project" --no-build --logger "trx;LogFileName=$name.trx" --results-directory "$results" "$@" || status=$?
done
exit "$status"
