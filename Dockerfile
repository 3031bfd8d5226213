# syntax=docker/dockerfile:1
# One image recipe for every host; HOST picks which one:
#   NextBestAction.DecisionApi      decision API (HTTP, scaled by request load)
#   NextBestAction.IngestionWorker  ingestion consumer (scaled by partitions; health and /metrics only)
#   NextBestAction.Server           all-in-one server (API, ingestion, simulator; switchable by Server__/Simulator__)
# Build from the repository root, for example:
#   docker build --build-arg HOST=NextBestAction.DecisionApi -t ghcr.io/nextbestaction/decision-api:latest .
# Base images are pinned to exact patch versions (the SDK and runtime this repository is built and tested with); to
# update, take the newest 10.0 patch from the .NET release notes and change both tags together.
ARG HOST=NextBestAction.Server

FROM mcr.microsoft.com/dotnet/sdk:10.0.401 AS build
ARG HOST
WORKDIR /source
# Solution-wide build settings first, then the sources (tests are not part of the image).
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig NextBestAction.sln ./
COPY src/ src/
# The cache mount keeps downloaded NuGet packages between builds (BuildKit).
RUN --mount=type=cache,id=nuget,target=/root/.nuget/packages \
    dotnet publish "src/${HOST}/${HOST}.csproj" -c Release -o /app --no-self-contained

FROM mcr.microsoft.com/dotnet/aspnet:10.0.12 AS runtime
ARG HOST
ENV NBA_HOST_ASSEMBLY=${HOST}.dll \
    ASPNETCORE_HTTP_PORTS=8080
WORKDIR /app
EXPOSE 8080
COPY --from=build /app ./
# Non-root user (uid 1654) that the .NET base images define.
USER $APP_UID
# exec: the host becomes PID 1 and receives SIGTERM for a clean consumer-group exit.
ENTRYPOINT ["/bin/sh", "-c", "exec dotnet \"$NBA_HOST_ASSEMBLY\""]
