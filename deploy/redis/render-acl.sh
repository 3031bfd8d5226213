#!/bin/sh
# Renders the Redis ACL file from the template users.acl: comments dropped, each user on one line, and the SHA-256 of
# its password appended (Redis then never sees the password itself, only its hash). The password of user nba-<name>
# comes from NBA_REDIS_<NAME>_PASSWORD; the default user gets none.
#
#   render-acl.sh TEMPLATE OUTPUT
#
# Used by the compose redis service at start (start.sh) and by the tests; on Kubernetes render it the same way and
# load the result into your Redis (deploy/k8s/README.md). POSIX sh and awk, so it runs in the redis:alpine image.
set -eu

template=$1
output=$2
umask 077

awk '
  /^[[:space:]]*#/ || /^[[:space:]]*$/ { next }
  /^user / { if (line != "") print line; line = $0; next }
  { sub(/^[[:space:]]+/, " "); line = line $0 }
  END { if (line != "") print line }
' "$template" > "$output.tmp"

: > "$output"
while IFS= read -r line; do
  name=$(printf '%s\n' "$line" | cut -d' ' -f2)
  case "$name" in
    default) printf '%s\n' "$line" >> "$output"; continue ;;
    nba-*) ;;
    *) echo "render-acl.sh: user $name is not named nba-<name>" >&2; rm -f "$output.tmp" "$output"; exit 1 ;;
  esac
  variable=NBA_REDIS_$(printf '%s' "${name#nba-}" | tr 'a-z-' 'A-Z_')_PASSWORD
  eval "password=\${$variable:-}"
  # The password ends up in StackExchange.Redis connection strings, where ',' and '=' separate options.
  if [ "${#password}" -lt 16 ] || [ -n "$(printf '%s' "$password" | tr -d 'A-Za-z0-9_-')" ]; then
    echo "render-acl.sh: $variable must hold at least 16 letters, digits, '_' or '-' (deploy/dev-secrets.sh makes them)" >&2
    rm -f "$output.tmp" "$output"
    exit 1
  fi
  hash=$(printf '%s' "$password" | sha256sum | cut -d' ' -f1)
  printf '%s #%s\n' "$line" "$hash" >> "$output"
done < "$output.tmp"
rm -f "$output.tmp"
