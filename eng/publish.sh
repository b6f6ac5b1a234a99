#!/usr/bin/env bash
# Restores and publishes the portal. The Dockerfile runs this script and so does CI (.ci/run), so a change
# that would break the image's build breaks CI first.
#   eng/publish.sh restore
#   eng/publish.sh publish <output folder>
set -euo pipefail
cd "$(dirname "$0")/.."
project=src/Dropzone.Portal/Dropzone.Portal.csproj

case "${1:-}" in
  restore)
    dotnet restore "$project"
    ;;
  publish)
    dotnet publish "$project" -c Release -o "${2:?give the output folder}" --no-restore --no-self-contained
    ;;
  *)
    echo "usage: $0 restore | publish <output folder>" >&2
    exit 2
    ;;
esac
