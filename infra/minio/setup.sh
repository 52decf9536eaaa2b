#!/usr/bin/env bash
# One-shot MinIO setup, run by the `minio-setup` service of infra/docker-compose.yml (image minio/mc)
# once MinIO is healthy; the Airflow services wait for it to finish. Idempotent: it runs on every
# `docker compose up` and converges to the same state. Outside compose, run it with MINIO_ENDPOINT
# and the variables below set (for example against a distributed MinIO).
#
# The minio/mc image is ubi-micro: bash, coreutils and mc, but no sed, grep or jq, so everything below
# is bash built-ins.
#
#   bucket      $TALENTFLOW_BUCKET (default talentflow), private (no anonymous access)
#   lifecycle   lifecycle.json: recordings/ expire after $RECORDINGS_RETENTION_DAYS (default 180, PIPL
#               storage limitation), quarantine/ after 30 days; nothing else expires, in particular
#               scoring-tasks/processing/ (claimed tasks in flight) and the done/failed results
#   users       $TALENTFLOW_S3_ACCESS_KEY  the platform (Airflow tasks): read/write on the bucket only
#               $MINIO_BI_ACCESS_KEY       BI/dbt-docs readers: read-only on docs/ (policy-bi.json)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MINIO_ENDPOINT=${MINIO_ENDPOINT:-http://minio:9000}
BUCKET=${TALENTFLOW_BUCKET:-talentflow}
DAYS=${RECORDINGS_RETENTION_DAYS:-180}
ALIAS=talentflow

fail() { echo "minio setup: $*" >&2; exit 1; }

for var in MINIO_ROOT_USER MINIO_ROOT_PASSWORD TALENTFLOW_S3_ACCESS_KEY TALENTFLOW_S3_SECRET_KEY \
           MINIO_BI_ACCESS_KEY MINIO_BI_SECRET_KEY; do
  value=${!var:-}
  [[ -n $value ]] || fail "$var is empty: set it in infra/.env (see infra/.env.example)"
  [[ $value != change-me* ]] || fail "$var still has the placeholder from .env.example: generate one"
done
[[ $DAYS =~ ^[1-9][0-9]*$ ]] || fail "RECORDINGS_RETENTION_DAYS must be a whole number of days, got '$DAYS'"
[[ $BUCKET =~ ^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$ ]] || fail "TALENTFLOW_BUCKET '$BUCKET' is not a valid bucket name"

# The policy files name the default bucket; render them for the configured one.
render_policy() {
  local text
  text=$(<"$HERE/$1")
  printf '%s\n' "${text//arn:aws:s3:::talentflow/arn:aws:s3:::$BUCKET}" > "/tmp/$1"
  echo "/tmp/$1"
}

# attach fails when the policy is already attached; that is the state we want.
attach() {
  local out
  if ! out=$(mc admin policy attach "$ALIAS" "$1" --user "$2" 2>&1); then
    case $out in
      *already*) ;;
      *) fail "attaching policy $1 to $2: $out" ;;
    esac
  fi
}

mc alias set "$ALIAS" "$MINIO_ENDPOINT" "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null

mc mb --ignore-existing "$ALIAS/$BUCKET"
mc anonymous set none "$ALIAS/$BUCKET" >/dev/null

# import replaces the bucket's whole lifecycle configuration, so removed rules disappear too.
mc ilm rule import "$ALIAS/$BUCKET" < "$HERE/lifecycle.json"
mc ilm rule edit --id recordings-pipl-retention --expire-days "$DAYS" "$ALIAS/$BUCKET"

mc admin policy create "$ALIAS" talentflow-platform "$(render_policy policy-app.json)"
mc admin user add "$ALIAS" "$TALENTFLOW_S3_ACCESS_KEY" "$TALENTFLOW_S3_SECRET_KEY"
attach talentflow-platform "$TALENTFLOW_S3_ACCESS_KEY"

mc admin policy create "$ALIAS" talentflow-bi-docs "$(render_policy policy-bi.json)"
mc admin user add "$ALIAS" "$MINIO_BI_ACCESS_KEY" "$MINIO_BI_SECRET_KEY"
attach talentflow-bi-docs "$MINIO_BI_ACCESS_KEY"

mc ilm rule ls "$ALIAS/$BUCKET"
echo "minio setup: bucket $BUCKET ready; recordings/ kept $DAYS days, quarantine/ 30 days"
