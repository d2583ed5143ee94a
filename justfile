# Portico's verbs. `just run` and `just test` install whatever is missing first (idempotent:
# each step checks before it installs), so a fresh machine needs only rustup and `just`.

set shell := ["bash", "-euo", "pipefail", "-c"]

export CARGO_TERM_COLOR := "never"

# Where to keep tool stamps (outside the repo so a fresh clone reuses them).
stamps := env_var_or_default("XDG_CACHE_HOME", env_var("HOME") + "/.cache") + "/portico-tools"
# The Python venv, named by its requirements so a change makes a new one.
venv := stamps + "/venv-" + `sha256sum e2e/sdk/requirements.txt | cut -c1-12`

# List the recipes.
default:
    @just --list

# Build the browser app and start the server on SQLite at http://127.0.0.1:8080.
run: tools-build build-frontend
    cargo run -p portico-api -- serve

# Every test: formatting, lints, unit and API tests on SQLite and PostgreSQL, the wasm build, browser
# journeys, API fuzzing. Ends with one line per stage (its result and time), also when one fails.
test:
    #!/usr/bin/env bash
    set -uo pipefail
    stages=("tools:tools" "lint:lint" "SQLite:test-sqlite" "PostgreSQL:test-postgres" "S3:test-s3" "wasm:build-frontend" \
      "journeys:e2e" "fuzzing:fuzz-api-bounded")
    summary=() failed=""
    for stage in "${stages[@]}"; do
      name=${stage%%:*} recipe=${stage#*:} started=$SECONDS
      if just "$recipe"; then result=passed; else result=FAILED; failed=$name; fi
      took=$((SECONDS - started))
      summary+=("$(printf '%-11s %-7s %3dm%02ds' "$name" "$result" $((took / 60)) $((took % 60)))")
      [ -z "$failed" ] || break
    done
    echo "== just test: stages"
    printf '%s\n' "${summary[@]}"
    total=$SECONDS
    printf '%-11s %-7s %3dm%02ds\n' "total" "$([ -z "$failed" ] && echo passed || echo FAILED)" $((total / 60)) $((total % 60))
    [ -z "$failed" ]

# Build the server (release) and the browser app.
build: tools-build build-frontend
    cargo build --release -p portico-api

# Build the browser app into frontend/dist.
build-frontend: tools-build
    frontend/build.sh

# Unit tests and API tests on SQLite (the single sign-on tests start e2e/oidc/provider.mjs).
test-sqlite: tools-oidc
    cargo test --quiet

# The API tests again on a throwaway PostgreSQL cluster (one fresh database per test), then the
# several-servers tests (two servers on one PostgreSQL and one S3 store).
test-postgres: tools-postgres tools-python tools-oidc
    #!/usr/bin/env bash
    set -euo pipefail
    cleanup=()
    trap 'for c in "${cleanup[@]}"; do eval "$c"; done' EXIT
    if [ -z "${PORTICO_TEST_DATABASE_URL:-}" ]; then
      source <(just --quiet pg-start)
      cleanup+=("just --quiet pg-stop '$PG_DIR'")
      export PORTICO_TEST_DATABASE_URL="$PG_URL"
    fi
    cargo test --quiet -p portico-api --test api
    source <(just --quiet s3-start)
    cleanup+=("just --quiet s3-stop '$S3_DIR'")
    export AWS_ENDPOINT_URL="$S3_ENDPOINT" AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test \
      AWS_ALLOW_HTTP=true PORTICO_TEST_PACKAGE_STORE="s3://$S3_BUCKET"
    cargo test --quiet -p portico-api --test several_servers

# The deployment tests again with packages in a throwaway S3-compatible server (moto), on SQLite.
test-s3: tools-python
    #!/usr/bin/env bash
    set -euo pipefail
    source <(just --quiet s3-start)
    trap 'just --quiet s3-stop "$S3_DIR"' EXIT
    AWS_ENDPOINT_URL="$S3_ENDPOINT" AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test \
      AWS_ALLOW_HTTP=true PORTICO_TEST_PACKAGE_STORE="s3://$S3_BUCKET" \
      cargo test --quiet -p portico-api --test api deployments

# Browser journeys and SDK checks against a real server (Playwright + Debian's Chromium, generated clients).
e2e: tools-e2e tools-python build-frontend
    cargo build --quiet -p portico-api
    cd e2e && E2E_PYTHON="{{venv}}/bin/python" npm test --silent

# Fuzz the API with schemathesis (every check) as a Tenant Administrator session and as a token.
fuzz-api examples="100": tools-python tools-e2e
    cargo build --quiet -p portico-api
    E2E_PYTHON="{{venv}}/bin/python" node e2e/fuzz/run.mjs --max-examples {{examples}}

# The bounded fuzzing run of `just test`.
fuzz-api-bounded: (fuzz-api "5")

# Write the OpenAPI document generated from the code to openapi/portico.json.
openapi:
    cargo run --quiet -p portico-api -- openapi > openapi/portico.json

# Format the code.
fmt:
    cargo fmt --all

# Formatting check and clippy with warnings as errors (server crates and the wasm app).
lint: tools-build
    cargo fmt --all -- --check
    cargo clippy --quiet --all-targets -- -D warnings
    # `--all-targets` leaves out test targets with `test = false` (the several-servers tests).
    cargo clippy --quiet -p portico-api --test several_servers -- -D warnings
    cargo clippy --quiet -p portico-frontend --target wasm32-unknown-unknown -- -D warnings

# Coverage-guided fuzzing of the parsers with cargo-fuzz (nightly; not part of `just test`).
fuzz seconds="60":
    #!/usr/bin/env bash
    set -euo pipefail
    rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
    command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz
    cd crates/fuzz
    for target in token_parse email_parse ics_feed package_check; do
      echo "== fuzzing $target for {{seconds}} s"
      cargo +nightly fuzz run --fuzz-dir . "$target" -- -max_total_time={{seconds}} -rss_limit_mb=2048
    done

# Benchmarks (not part of `just test`): criterion micro-benchmarks, then an HTTP load run on loopback and
# uploads to the folder store and to S3 (moto); writes BENCHMARKS.md.
bench: tools-e2e tools-python tools-build build-frontend
    #!/usr/bin/env bash
    set -euo pipefail
    just --quiet apt-install wrk wrk
    just --quiet apt-install zip zip
    cargo build --quiet --release -p portico-api
    summary=$(cargo bench --quiet -p portico-api --bench credentials -- --noplot 2>/dev/null \
      | awk '/time:/ {line=$0; if (line ~ /^[^ ]/) {name=line; sub(/ +time:.*/, "", name)}; sub(/^.*time: +/, "", line); print "- `" name "`: " line; next} /^[^ ]/ {name=$0}')
    BENCH_CRITERION_SUMMARY="$summary" node e2e/bench/run.mjs

# Start a throwaway PostgreSQL cluster; prints PG_DIR and PG_URL for `source`.
pg-start: tools-postgres
    #!/usr/bin/env bash
    set -euo pipefail
    bin=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n1 || command -v initdb)")
    dir=$(mktemp -d "${TMPDIR:-/tmp}/portico-pg.XXXXXX")
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_pg=()
    if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; as_pg=(runuser -u postgres --); fi
    "${as_pg[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --no-sync >"$dir/initdb.log" 2>&1
    "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400" \
      start >/dev/null
    echo "PG_DIR=$dir"
    echo "PG_URL=postgres://postgres@127.0.0.1:$port/postgres"

# Stop a cluster started by pg-start and delete it.
pg-stop dir:
    #!/usr/bin/env bash
    set -euo pipefail
    bin=$(dirname "$(ls /usr/lib/postgresql/*/bin/pg_ctl 2>/dev/null | sort -V | tail -n1 || command -v pg_ctl)")
    as_pg=()
    if [ "$(id -u)" = 0 ]; then as_pg=(runuser -u postgres --); fi
    "${as_pg[@]}" "$bin/pg_ctl" -D "{{dir}}/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "{{dir}}"

# Start a throwaway S3-compatible server (moto, from the venv) with an empty bucket on a free
# loopback port; prints S3_DIR, S3_ENDPOINT and S3_BUCKET for `source`.
s3-start: tools-python
    #!/usr/bin/env bash
    set -euo pipefail
    dir=$(mktemp -d "${TMPDIR:-/tmp}/portico-s3.XXXXXX")
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    setsid "{{venv}}/bin/moto_server" -H 127.0.0.1 -p "$port" </dev/null >"$dir/server.log" 2>&1 &
    echo $! > "$dir/pid"
    for _ in $(seq 1 300); do
      curl -fsS -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null && break
      kill -0 "$(cat "$dir/pid")" 2>/dev/null || { cat "$dir/server.log" >&2; exit 1; }
      sleep 0.1
    done
    curl -fsS -o /dev/null -X PUT "http://127.0.0.1:$port/portico-test"
    echo "S3_DIR=$dir"
    echo "S3_ENDPOINT=http://127.0.0.1:$port"
    echo "S3_BUCKET=portico-test"

# Stop a server started by s3-start and delete its folder.
s3-stop dir:
    #!/usr/bin/env bash
    kill "$(cat "{{dir}}/pid")" 2>/dev/null || true
    rm -rf "{{dir}}"

# --- installers: each checks first and does nothing when the tool is there -----------------

# Everything `just test` needs.
tools: tools-build tools-postgres tools-e2e tools-python

# Rust wasm target and rust-src (the wasm build rebuilds std for size), wasm-bindgen-cli at Cargo.lock's version, the wasm splitter, npm binaryen
# (wasm-opt), brotli.
tools-build:
    #!/usr/bin/env bash
    set -euo pipefail
    rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
    rustup component list --installed | grep -q '^rust-src' || rustup component add rust-src
    want=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
    have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
    if [ "$have" != "$want" ]; then
      echo "installing wasm-bindgen-cli $want (a few minutes, once)"
      cargo install --quiet --force wasm-bindgen-cli --version "$want"
    fi
    # The wasm splitter, at the version that reads what Cargo.lock's wasm_split_helpers writes.
    split=0.2.4
    if ! cargo install --list | grep -qx "wasm_split_cli_support v$split:"; then
      echo "installing wasm_split_cli_support $split (a minute, once)"
      cargo install --quiet --locked --force wasm_split_cli_support --version "$split" --features build-binary
    fi
    just --quiet apt-install brotli brotli
    just --quiet npm-install frontend

# Debian's PostgreSQL server binaries.
tools-postgres:
    @ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || just --quiet apt-install initdb postgresql

# Debian's Chromium, zip, and the e2e node packages.
tools-e2e:
    @just --quiet apt-install chromium chromium
    @just --quiet apt-install zip zip
    @just --quiet apt-install unzip unzip
    @just --quiet apt-install prometheus-alertmanager prometheus-alertmanager
    @just --quiet npm-install e2e
    @just --quiet npm-install e2e/sdk

# The OpenID Provider the single sign-on tests run (npm oidc-provider, in e2e/node_modules).
tools-oidc:
    @just --quiet npm-install e2e

# A Python venv with the SDK generator, icalendar and schemathesis (e2e/sdk/requirements.txt).
tools-python:
    #!/usr/bin/env bash
    set -euo pipefail
    [ -f "{{venv}}/.complete" ] && exit 0
    echo "creating the Python venv {{venv}}" >&2
    rm -rf "{{venv}}"
    python3 -m venv "{{venv}}"
    "{{venv}}/bin/pip" install --quiet --disable-pip-version-check -r e2e/sdk/requirements.txt
    touch "{{venv}}/.complete"

# apt-get install PACKAGE unless COMMAND exists.
apt-install command package:
    #!/usr/bin/env bash
    set -euo pipefail
    command -v {{command}} >/dev/null && exit 0
    echo "installing {{package}} with apt-get" >&2
    sudo=(); [ "$(id -u)" = 0 ] || sudo=(sudo)
    if [ ! -f "{{stamps}}/apt-updated" ] || [ -n "$(find "{{stamps}}/apt-updated" -mmin +1440)" ]; then
      "${sudo[@]}" apt-get update -qq
      mkdir -p "{{stamps}}" && touch "{{stamps}}/apt-updated"
    fi
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq {{package}} >/dev/null

# npm ci in DIR unless its lockfile is unchanged since the last install.
npm-install dir:
    #!/usr/bin/env bash
    set -euo pipefail
    stamp="{{dir}}/node_modules/.portico-lock-sha"
    want=$(sha256sum "{{dir}}/package-lock.json" | cut -d' ' -f1)
    [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && exit 0
    (cd "{{dir}}" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" > "$stamp"
