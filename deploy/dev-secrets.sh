#!/bin/sh
# Prints a .env for docker compose with a fresh random value for every secret docker-compose.yml requires:
#   deploy/dev-secrets.sh > .env && docker compose up --build
# Compose reads .env from the project folder (it is git-ignored). The API key clients send is NBA_API_KEY in it.
# Values are hex: Redis connection strings, SCRAM and JAAS strings need no quoting for them.
set -eu
for name in NBA_API_KEY NBA_REDIS_ADMIN_PASSWORD NBA_REDIS_API_PASSWORD NBA_REDIS_INGESTION_PASSWORD NBA_REDIS_SIMULATOR_PASSWORD NBA_REDIS_TRAINING_PASSWORD \
            NBA_KAFKA_ADMIN_PASSWORD NBA_KAFKA_API_PASSWORD NBA_KAFKA_INGESTION_PASSWORD NBA_KAFKA_SIMULATOR_PASSWORD \
            NBA_GRAFANA_ADMIN_PASSWORD; do
  printf '%s=%s\n' "$name" "$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
done
