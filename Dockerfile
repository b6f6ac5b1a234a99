# Dropzone Portal: build with the SDK, run on the ASP.NET Core runtime as a non-root user.
# The restore and publish are eng/publish.sh, which CI (.ci/run) also runs and then starts.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /source
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY eng/publish.sh eng/
# Project files first: the restore layer is reused until a package or project reference changes.
COPY src/Dropzone.Portal/Dropzone.Portal.csproj src/Dropzone.Portal/
COPY src/Dropzone.Portal.Core/Dropzone.Portal.Core.csproj src/Dropzone.Portal.Core/
COPY src/Dropzone.Portal.TenantClients/Dropzone.Portal.TenantClients.csproj src/Dropzone.Portal.TenantClients/
COPY src/Dropzone.TenantEmulator/Dropzone.TenantEmulator.csproj src/Dropzone.TenantEmulator/
RUN eng/publish.sh restore
COPY src/ src/
RUN eng/publish.sh publish /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
# curl serves the HEALTHCHECK only.
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /data /keys \
    && chown "$APP_UID" /data /keys
WORKDIR /app
COPY --from=build /app ./
# Secrets never come from the image: pass them as environment variables or mount them as files under
# /run/secrets (one file per setting, named like AzureAd__ClientCredentials__0__ClientSecret).
ENV ASPNETCORE_HTTP_PORTS=8080 \
    ConnectionStrings__Portal="Data Source=/data/portal.db" \
    ConnectionStrings__Jobs="Data Source=/data/jobs.db" \
    Logging__File__Path=/data/logs/portal-.log
VOLUME ["/data"]
EXPOSE 8080
USER $APP_UID
# Liveness only: a slow database or a throttled tenant must not get the container restarted.
# Orchestrators route traffic on /healthz/ready.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD curl -fsS http://localhost:8080/healthz/live || exit 1
ENTRYPOINT ["dotnet", "Dropzone.Portal.dll"]
