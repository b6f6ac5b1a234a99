#!/usr/bin/env bash
# Starts a published portal the way the image runs it (Production, SQLite files and logs under one data
# folder, the data-protection certificate made by the portal's own command, a real-tenant configuration with
# placeholder values) on a free loopback port, waits for
# /healthz/ready, checks /healthz/live, then stops it. Prints how long the start took.
#   eng/start-published.sh <published folder> [timeout seconds, default 60]
set -euo pipefail
app="$(cd "${1:?give the published folder}" && pwd)"
timeout_seconds="${2:-60}"
data="$(mktemp -d)"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"

export ASPNETCORE_ENVIRONMENT=Production
export ASPNETCORE_URLS="$base"
export ConnectionStrings__Portal="Data Source=$data/portal.db"
export ConnectionStrings__Jobs="Data Source=$data/jobs.db"
export Logging__File__Path="$data/logs/portal-.log"
# Production requires the certificate that encrypts the sign-in key ring; a deployment creates it once, like this.
export DataProtection__Certificate__Path="$data/keys/dataprotection.pfx"
export DataProtection__Certificate__Password="start-check-$RANDOM$RANDOM"
(cd "$app" && dotnet Dropzone.Portal.dll create-data-protection-certificate)
# Placeholders: the portal starts and becomes ready without reaching Entra ID or Exchange.
export AzureAd__Instance=https://login.microsoftonline.com/
export AzureAd__TenantId=00000000-0000-4000-8000-000000000001
export AzureAd__Domain=contoso.example
export AzureAd__ClientId=00000000-0000-4000-8000-0000000000a1
export AzureAd__ClientCredentials__0__SourceType=ClientSecret
export AzureAd__ClientCredentials__0__ClientSecret=placeholder-for-the-start-check
export RestrictedApp__ClientId=00000000-0000-4000-8000-0000000000b1

started=$(date +%s%N)
(cd "$app" && exec dotnet Dropzone.Portal.dll) >"$data/console.log" 2>&1 &
pid=$!
stop() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$data"
}
trap stop EXIT
trap 'exit 143' INT TERM

ready=""
deadline=$(( $(date +%s) + timeout_seconds ))
while [ "$(date +%s)" -lt "$deadline" ]; do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "The published portal exited before it was ready:" >&2
    tail -n 40 "$data/console.log" >&2
    exit 1
  fi
  if ready="$(curl -fsS -m 2 "$base/healthz/ready" 2>/dev/null)"; then
    break
  fi
  ready=""
  sleep 0.2
done
if [ -z "$ready" ]; then
  echo "The published portal was not ready within ${timeout_seconds} s:" >&2
  tail -n 40 "$data/console.log" >&2
  exit 1
fi
elapsed_ms=$(( ($(date +%s%N) - started) / 1000000 ))
live="$(curl -fsS -m 2 "$base/healthz/live")"
echo "Published portal ready in ${elapsed_ms} ms: GET /healthz/ready -> $ready; GET /healthz/live -> $live"
