#!/usr/bin/env bash
# Recreates the one initial migration of each provider from the current model (nothing is released yet, so the
# schema is one migration per provider), with the hand-written append-only audit triggers added to its Up/Down.
#   eng/regenerate-migrations.sh
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
dotnet build src/Dropzone.Portal.Migrations.Sqlite >/dev/null
dotnet build src/Dropzone.Portal.Migrations.PostgreSql >/dev/null
for provider in Sqlite PostgreSql; do
  project="src/Dropzone.Portal.Migrations.$provider"
  rm -rf "$project/Migrations"
  dotnet ef migrations add InitialSchema --project "$project" --startup-project "$project" --output-dir Migrations
  # File-scoped namespaces and the repository's layout first, so the patch below sees one shape.
  dotnet format "$project" >/dev/null
  migration="$(ls "$project"/Migrations/*_InitialSchema.cs | grep -v Designer)"
  python3 - "$migration" "$provider" <<'PY'
import re, sys
path, provider = sys.argv[1], sys.argv[2]
text = open(path).read()
up = "    protected override void Up(MigrationBuilder migrationBuilder)\n    {\n"
down_start = "    protected override void Down(MigrationBuilder migrationBuilder)\n    {\n"
up_end = text.index(down_start)
# The last closing brace of Up is just before Down's doc comment.
close = text.rindex("    }\n", 0, up_end)
text = (text[:close]
        + f"\n        // Hand-written: the database refuses UPDATE and DELETE on the audit history (see AuditTriggers).\n"
        + f"        migrationBuilder.Sql(AuditTriggers.{provider}.Create);\n"
        + text[close:])
start = text.index(down_start) + len(down_start)
text = text[:start] + f"        migrationBuilder.Sql(AuditTriggers.{provider}.Drop);\n\n" + text[start:]
text = text.replace("using Microsoft.EntityFrameworkCore.Migrations;", "using Dropzone.Portal.Core.Data;\nusing Microsoft.EntityFrameworkCore.Migrations;", 1)
open(path, "w").write(text)
PY
  dotnet format "$project" >/dev/null
done
