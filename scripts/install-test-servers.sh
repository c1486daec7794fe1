#!/usr/bin/env bash
# Installs the redis-server and PostgreSQL binaries the integration tests need.
# It never starts a server: the test fixtures start throwaway servers themselves.
# Set ASPECTS_TEST_REDIS / ASPECTS_TEST_POSTGRES to use existing servers instead;
# the matching install is then skipped.
set -euo pipefail

has_redis() {
    command -v redis-server >/dev/null 2>&1
}

has_postgres() {
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        return 0
    fi
    local bin
    for bin in /usr/lib/postgresql/*/bin; do
        if [[ -x "$bin/initdb" && -x "$bin/pg_ctl" ]]; then
            return 0
        fi
    done
    return 1
}

packages=()
if [[ -n "${ASPECTS_TEST_REDIS:-}" ]]; then
    echo "ASPECTS_TEST_REDIS is set: using that Redis server, not installing redis-server."
elif has_redis; then
    echo "redis-server already installed: $(command -v redis-server)"
else
    packages+=(redis-server)
fi

if [[ -n "${ASPECTS_TEST_POSTGRES:-}" ]]; then
    echo "ASPECTS_TEST_POSTGRES is set: using that PostgreSQL server, not installing PostgreSQL."
elif has_postgres; then
    echo "PostgreSQL server binaries already installed."
else
    packages+=(postgresql)
fi

if [[ ${#packages[@]} -eq 0 ]]; then
    exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
    echo "Missing test servers: ${packages[*]}." >&2
    echo "Install them as root (apt-get install ${packages[*]}), or point ASPECTS_TEST_REDIS / ASPECTS_TEST_POSTGRES at existing servers." >&2
    exit 1
fi

# Without systemd the packages' postinst scripts fail when they try to start
# their services; exit code 101 tells invoke-rc.d not to start anything.
policy=/usr/sbin/policy-rc.d
if [[ ! -e "$policy" ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod +x "$policy"
    trap 'rm -f "$policy"' EXIT
fi

echo "Installing ${packages[*]}..."
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${packages[@]}"

missing=()
if [[ " ${packages[*]} " == *" redis-server "* ]] && ! has_redis; then
    missing+=(redis-server)
fi
if [[ " ${packages[*]} " == *" postgresql "* ]] && ! has_postgres; then
    missing+=("PostgreSQL (initdb, pg_ctl)")
fi
if [[ ${#missing[@]} -gt 0 ]]; then
    echo "Installation finished but these binaries are still missing: ${missing[*]}." >&2
    exit 1
fi
echo "Test servers installed."
