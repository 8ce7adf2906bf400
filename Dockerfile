# syntax=docker/dockerfile:1
# Supply.Server (ASP.NET Core + co-hosted Orleans silo) as a container image.
# Build from the repository root:  docker build -t supply-server:dev .
# Ports: 5080 gRPC (plaintext HTTP/2), 5082 REST/JSON, FHIR and exports (HTTP/1.1 and HTTP/2), 11111 Orleans silo-to-silo,
# 30000 Orleans gateway.
# Kubernetes manifests: k8s/ (see k8s/README.md).

ARG DOTNET_VERSION=10.0

FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
WORKDIR /src
# Restore from the project files alone, so the package layer stays cached until a project file changes.
COPY Directory.Build.props Directory.Packages.props ./
COPY src/Supply.Domain/Supply.Domain.csproj src/Supply.Domain/
COPY src/Supply.Contracts/Supply.Contracts.csproj src/Supply.Contracts/
COPY src/Supply.DevTokens/Supply.DevTokens.csproj src/Supply.DevTokens/
COPY src/Supply.Demo/Supply.Demo.csproj src/Supply.Demo/
COPY src/Supply.Grains/Supply.Grains.csproj src/Supply.Grains/
COPY src/Supply.Application/Supply.Application.csproj src/Supply.Application/
COPY src/Supply.Dashboard/Supply.Dashboard.csproj src/Supply.Dashboard/
COPY src/Supply.Storage/Supply.Storage.csproj src/Supply.Storage/
COPY src/Supply.Feeds/Supply.Feeds.csproj src/Supply.Feeds/
COPY src/Supply.Planning/Supply.Planning.csproj src/Supply.Planning/
COPY src/Supply.Exports/Supply.Exports.csproj src/Supply.Exports/
COPY src/Supply.Gs1/Supply.Gs1.csproj src/Supply.Gs1/
COPY src/Supply.Fhir/Supply.Fhir.csproj src/Supply.Fhir/
COPY src/Supply.Webhooks/Supply.Webhooks.csproj src/Supply.Webhooks/
COPY src/Supply.Server/Supply.Server.csproj src/Supply.Server/
RUN dotnet restore src/Supply.Server/Supply.Server.csproj
# The contract (compiled by Supply.Contracts from ../../protos) and the sources.
COPY protos/ protos/
COPY src/ src/
RUN dotnet publish src/Supply.Server/Supply.Server.csproj -c Release --no-restore -o /out -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION} AS runtime
WORKDIR /app
# Owned by root and read-only to the app user: the process cannot change its own binaries.
COPY --from=build /out ./
# Bind all interfaces in a container (the server's default is loopback). The base image's
# ASPNETCORE_HTTP_PORTS=8080 is cleared: the server binds Supply:Listen itself (HTTP/2 only),
# and Kestrel would otherwise log that it overrides 8080.
ENV Supply__Listen__Address=0.0.0.0 \
    Supply__Listen__Port=5080 \
    Supply__Http__Address=0.0.0.0 \
    Supply__Http__Port=5082 \
    ASPNETCORE_HTTP_PORTS=
EXPOSE 5080 5082 11111 30000
# The image's non-root `app` user (UID 1654, $APP_UID in the .NET images). Numeric, so that
# Kubernetes' runAsNonRoot can verify it.
USER $APP_UID
ENTRYPOINT ["dotnet", "Supply.Server.dll"]
