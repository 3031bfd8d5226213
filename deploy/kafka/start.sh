#!/bin/sh
# Starts the compose broker from server.properties (beside this file) with the distribution's own scripts. On the
# first start (empty data volume) the storage is formatted with the SCRAM credential of nba-admin, the only user that
# can then log in over the network; kafka-init, logged in as nba-admin, adds the service users and their ACLs.
set -eu
: "${CLUSTER_ID:?}"
: "${NBA_KAFKA_ADMIN_PASSWORD:?}"

# An already formatted volume keeps its credentials (--ignore-formatted). A volume formatted before SCRAM was set up
# has no nba-admin: `docker compose down -v` starts over (docs/operations.md, Security).
/opt/kafka/bin/kafka-storage.sh format --ignore-formatted --cluster-id "$CLUSTER_ID" --config /etc/nba-kafka/server.properties \
  --add-scram "SCRAM-SHA-512=[name=nba-admin,password=$NBA_KAFKA_ADMIN_PASSWORD]"
exec /opt/kafka/bin/kafka-server-start.sh /etc/nba-kafka/server.properties
