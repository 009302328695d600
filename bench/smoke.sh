#!/usr/bin/env bash
# Every bench once at its tiny size, two at a time (each makes and drops a database of its own,
# copied from one migrated here first, so they do not meet): what `make bench-smoke` and CI run
# so that none can rot. Each bench's output is printed whole when it ends; any failure fails the run.
set -Euo pipefail
cd "$(dirname "$0")/.."
py=${PY:-.venv/bin/python}
redis_url=${BENCH_REDIS_URL:-redis://127.0.0.1:6379/11}
# In pairs, (0, 1), (2, 3), (4, 5): the two dashboards runs share their database, so never a pair.
benches=(
  "bench/dashboards.py --tiny"
  "bench/landing.py --tiny"
  "bench/dashboards.py --tiny --pages 'learner home' --compare-plugin recommendations"
  "bench/booking_contention.py --tiny"
  "bench/ws_capacity.py --tiny --redis-url $redis_url"
  "bench/recommendations.py --tiny"
)
logs=$(mktemp -d)
# Migrated once, copied by each bench (bench/template.py): a PostgreSQL database and a SQLite file,
# migrated side by side with the default plugins.
template=peerlearn_bench_template
drop_template() { psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS $template WITH (FORCE)" >/dev/null 2>&1; }
trap 'drop_template; rm -rf "$logs"' EXIT
drop_template
psql -h 127.0.0.1 -U postgres -q -c "CREATE DATABASE $template"
migrate_env=(env -u REDIS_URL -u TESTING -u PEERLEARN_PLUGINS -u DATABASE_URL DEBUG=1 SECRET_KEY=bench-template)
"${migrate_env[@]}" DATABASE_URL="postgres://postgres@127.0.0.1:5432/$template" \
  $py manage.py migrate --no-input >"$logs/template-pg.log" 2>&1 &
pg_pid=$!
"${migrate_env[@]}" SQLITE_PATH="$logs/template.sqlite3" $py manage.py migrate --no-input >"$logs/template-sqlite.log" 2>&1 &
sqlite_pid=$!
wait "$pg_pid" || { cat "$logs/template-pg.log"; exit 1; }
wait "$sqlite_pid" || { cat "$logs/template-sqlite.log"; exit 1; }
export BENCH_TEMPLATE_DATABASE=$template BENCH_TEMPLATE_SQLITE="$logs/template.sqlite3"
run() {  # index, command
  local started=$SECONDS
  if eval "$py $2" >"$logs/$1.log" 2>&1; then echo "ok" >"$logs/$1.status"; else echo "failed" >"$logs/$1.status"; fi
  echo "$(( SECONDS - started ))" >"$logs/$1.secs"
}
for index in "${!benches[@]}"; do
  run "$index" "${benches[$index]}" &
  if (( index % 2 == 1 )); then wait; fi
done
wait
failed=0
for index in "${!benches[@]}"; do
  echo "=== ${benches[$index]} ($(cat "$logs/$index.secs") s, $(cat "$logs/$index.status"))"
  cat "$logs/$index.log"
  [ "$(cat "$logs/$index.status")" = ok ] || failed=1
done
exit $failed
