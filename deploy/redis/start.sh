#!/bin/sh
# Entrypoint of the compose redis service: renders the ACL (users.acl with the password hashes from the
# environment) into the container's own filesystem, then starts Redis through the image's entrypoint, which drops
# to the redis user. Extra arguments go to redis-server.
set -eu
acl=/tmp/nba-users.acl
sh /etc/nba-redis/render-acl.sh /etc/nba-redis/users.acl "$acl"
if [ "$(id -u)" = 0 ]; then
  chown redis:redis "$acl"
fi
exec docker-entrypoint.sh redis-server --aclfile "$acl" "$@"
