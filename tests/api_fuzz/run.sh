#!/usr/bin/env bash
# Fuzz PeerLearn's API with Schemathesis against a running server and its live schema.
#
#   tests/api_fuzz/run.sh http://127.0.0.1:8765
#
# Run it in the server's environment (SQLITE_PATH or DATABASE_URL): it first creates, in that
# database, the personas it signs in as (manage.py api_fuzz_personas: a learner, and an approved
# mentor with public sessions). Then it fuzzes every operation twice, as the learner and as the
# mentor (Authorization: Bearer …), with Schemathesis's checks (server errors, answers that break
# the schema, undocumented status codes, content types and headers…) in its examples, coverage,
# fuzzing and stateful phases; the stateful one follows the schema's OpenAPI links (search → book →
# pay → cancel; core/api/schema.py) and the links Schemathesis infers.
# Any failure makes it exit non-zero.
#
# The server should allow many requests: start it with API_THROTTLE_PERSON, API_THROTTLE_ADDRESS and
# API_THROTTLE_SIGN_IN high (e.g. 1000000/hour), or many answers are 429s; and API_ACCESS_MINUTES
# above the run's few minutes. Knobs (environment):
#   API_FUZZ_MAX_EXAMPLES  test cases per operation and phase (default 10)
#   API_FUZZ_REPORTS       a directory for JUnit reports, one per persona (default: none)
set -Eeuo pipefail
reports_dir="${API_FUZZ_REPORTS:+$(realpath -m "$API_FUZZ_REPORTS")}"  # relative to where it was run from
cd "$(dirname "$0")/../.."
root=$PWD

base="${1:?usage: tests/api_fuzz/run.sh BASE_URL (e.g. http://127.0.0.1:8765)}"
base="${base%/}"
py=.venv/bin/python
export DEBUG="${DEBUG:-1}"  # as `make run`: the settings of a machine without secrets
password=$("$py" -c 'import secrets; print(secrets.token_urlsafe(18))')

# Quiet (its signals' emails print, as under `make run`) unless it fails.
log=$(mktemp)
# Schemathesis keeps a cache (.schemathesis/) where it runs: somewhere that is not the repository.
workdir=$(mktemp -d)
trap 'rm -rf "$log" "$workdir"' EXIT
"$py" manage.py api_fuzz_personas --password="$password" >"$log" 2>&1 || { cat "$log"; exit 1; }
grep "^learner " "$log"

token() {
  "$py" - "$base" "$1" "$password" <<'PY'
import json
import sys
import urllib.request

base, email, password = sys.argv[1:]
request = urllib.request.Request(
    f"{base}/api/v1/auth/token/",
    data=json.dumps({"email": email, "password": password}).encode(),
    headers={"Content-Type": "application/json"},
)
with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 (our own server)
    print(json.load(answer)["access"])
PY
}
learner_token=$(token fuzz-learner@example.com)
mentor_token=$(token fuzz-mentor@example.com)

# Every check but two. positive_data_acceptance: data the schema allows is still refused when the
# state says no (a session that does not exist, a booking that is not yours), and a 4xx is right
# then. negative_data_rejection: DRF coerces by design what the schema types strictly (0 → "0" for a
# text, 0 and "true" for a boolean, a page_size that is no number → the default page), so it would
# flag DRF's documented leniency rather than our bugs.
checks=not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance
checks=$checks,response_schema_conformance,missing_required_header,unsupported_method
checks=$checks,allow_header_conformance,use_after_free,ensure_resource_availability,ignored_auth

status=0
for persona in learner mentor; do
  token_var="${persona}_token"
  reports=()
  if [ -n "$reports_dir" ]; then
    mkdir -p "$reports_dir"
    reports=(--report junit --report-dir "$reports_dir" --report-junit-path "$reports_dir/api-fuzz-$persona.xml")
  fi
  echo "--- Schemathesis as the $persona"
  started=$(date +%s)
  (cd "$workdir" && "$root/.venv/bin/schemathesis" run "$base/api/schema/?format=json" \
    --url "$base" \
    --header "Authorization: Bearer ${!token_var}" \
    --checks "$checks" \
    --max-examples "${API_FUZZ_MAX_EXAMPLES:-10}" \
    --request-timeout 30 \
    --generation-database none \
    --no-color \
    "${reports[@]}") || status=1
  echo "--- as the $persona: $(( $(date +%s) - started )) s"
done
exit "$status"
