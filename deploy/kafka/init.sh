#!/bin/sh
# kafka-init: logged in as nba-admin over SASL/SCRAM, creates the contract's topics (6 partitions each) with their
# retention, gives each service user its SCRAM credential and exactly the topic and group ACLs it needs, and exits 0.
# Safe to re-run: existing topics get their retention set again, credentials are replaced with the current passwords,
# and ACLs that exist are left as they are. Passwords come from the environment (NBA_KAFKA_<NAME>_PASSWORD);
# NBA_KAFKA_BOOTSTRAP points it at another cluster (default kafka:9092).
set -eu
bootstrap=${NBA_KAFKA_BOOTSTRAP:-kafka:9092}
bin=/opt/kafka/bin

# Sets $password to user nba-<name>'s password from NBA_KAFKA_<NAME>_PASSWORD, or stops.
password_of() {
  variable=NBA_KAFKA_$(printf '%s' "$1" | tr 'a-z-' 'A-Z_')_PASSWORD
  eval "password=\${$variable:-}"
  # Passwords go into SCRAM and JAAS strings, where quotes, commas and brackets have a meaning.
  if [ "${#password}" -lt 16 ] || [ -n "$(printf '%s' "$password" | tr -d 'A-Za-z0-9_-')" ]; then
    echo "init.sh: $variable must hold at least 16 letters, digits, '_' or '-' (deploy/dev-secrets.sh makes them)" >&2
    exit 1
  fi
}

umask 077
password_of admin
admin_config=$(mktemp)
trap 'rm -f "$admin_config"' EXIT
cat > "$admin_config" <<PROPERTIES
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="nba-admin" password="$password";
PROPERTIES
as_admin="--bootstrap-server $bootstrap --command-config $admin_config"

# Retention in days (docs/operations.md), each a setting of the kafka-init service: input topics 30 (older events
# are dead-lettered anyway, Ingestion:MaxEventAgeDays), nba.notifications and nba.privacy 7 (they carry customer ids
# in plain text), nba.decisions 365 (training reads it; keep Privacy:DecisionLogKeyDays longer), nba.deadletter 30.
day_ms=86400000
inputs=$(( ${NBA_INPUT_RETENTION_DAYS:-30} * day_ms ))
for spec in nba.clickstream:$inputs nba.orders:$inputs nba.service:$inputs nba.catalog:$inputs nba.feedback:$inputs nba.consent:$inputs \
            nba.privacy:$(( ${NBA_PRIVACY_RETENTION_DAYS:-7} * day_ms )) nba.notifications:$(( ${NBA_NOTIFICATIONS_RETENTION_DAYS:-7} * day_ms )) \
            nba.decisions:$(( ${NBA_DECISIONS_RETENTION_DAYS:-365} * day_ms )) nba.deadletter:$(( ${NBA_DEADLETTER_RETENTION_DAYS:-30} * day_ms )); do
  topic="${spec%%:*}"
  retention="${spec##*:}"
  $bin/kafka-topics.sh $as_admin --create --if-not-exists --topic "$topic" --partitions 6 --replication-factor 1 --config "retention.ms=$retention"
  $bin/kafka-configs.sh $as_admin --alter --entity-type topics --entity-name "$topic" --add-config "retention.ms=$retention"
done

for user in api ingestion simulator; do
  password_of "$user"
  $bin/kafka-configs.sh $as_admin --alter --entity-type users --entity-name "nba-$user" \
    --add-config "SCRAM-SHA-512=[password=$password]"
done

# allow USER "OPERATION..." topic|group NAME...: every operation on every named resource, nothing else.
allow() {
  principal=$1 operations=$2 type=$3
  shift 3
  set -- $(for name in "$@"; do printf -- '--%s %s ' "$type" "$name"; done)
  for operation in $operations; do
    set -- "$@" --operation "$operation"
  done
  $bin/kafka-acls.sh $as_admin --add --allow-principal "User:$principal" "$@"
}

# Decision API: the decision log, outcomes, consent changes and erasure announcements. It reads no topic.
allow nba-api "Write Describe" topic nba.decisions nba.feedback nba.consent nba.privacy
# Ingestion worker (with the notifications it hosts): the input topics, including erasure requests on nba.privacy,
# and nba.notifications for webhook delivery (Notifications:Webhook:Url); dead letters, notifications, erasure
# announcements out. Groups: Kafka:GroupId (nba-ingestion) and the webhook's nba-ingestion-webhook.
allow nba-ingestion "Read Describe" topic nba.clickstream nba.orders nba.service nba.catalog nba.feedback nba.consent nba.privacy nba.notifications
allow nba-ingestion "Write Describe" topic nba.deadletter nba.notifications nba.privacy
allow nba-ingestion "Read" group nba-ingestion nba-ingestion-webhook
# Traffic simulator: synthetic customer events on the input topics it feeds (not nba.privacy).
allow nba-simulator "Write Describe" topic nba.clickstream nba.orders nba.service nba.catalog nba.feedback nba.consent

$bin/kafka-acls.sh $as_admin --list
