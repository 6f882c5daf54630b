#!/usr/bin/env bash
# Run a command with DATABASE_URL pointing at a throwaway PostgreSQL; stop it whatever happens.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d /tmp/sortpatrol-pg.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
trap '"$here/postgres.sh" stop "$dir"' EXIT INT TERM
url=$("$here/postgres.sh" start "$dir" "$port")
echo "PostgreSQL on 127.0.0.1:$port (throwaway, $dir)"
DATABASE_URL=$url "$@"
