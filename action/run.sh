#!/usr/bin/env bash
# The script behind action.yml. Inputs arrive as GRAYSTEP_INPUT_* environment variables and the token as
# GITHUB_TOKEN; none of them is ever evaluated as shell text, and the token never goes on a command line.
#
# Graystep comes from, in order:
#   1. GRAYSTEP_BIN (an environment variable; tests and local builds),
#   2. the graystep-path input,
#   3. the .NET tool package Graystep.Cli (command: graystep), installed with `dotnet tool install` into
#      $RUNNER_TEMP/graystep-tool. The package id is an assumption of this action: change GRAYSTEP_PACKAGE_ID
#      if the tool is published under another id.
#
# Exit codes are graystep's (DESIGN.md §5), except that 5 (still in progress or waiting for approval) ends the
# step successfully while allow-pending is true: the result output says which.
set -euo pipefail

GRAYSTEP_PACKAGE_ID="${GRAYSTEP_PACKAGE_ID:-Graystep.Cli}"

# Workflow-command data escaping, as @actions/core command.ts escapeData: '%' first, then CR and LF.
escape_data() {
  local s=$1
  s=${s//'%'/'%25'}
  s=${s//$'\r'/'%0D'}
  s=${s//$'\n'/'%0A'}
  printf '%s' "$s"
}

fail() {
  printf '::error title=Graystep action::%s\n' "$(escape_data "$1")"
  exit "${2:-2}"
}

trim() {
  local s=$1
  s="${s#"${s%%[![:space:]]*}"}"
  s="${s%"${s##*[![:space:]]}"}"
  printf '%s' "$s"
}

is_true() {
  case "$(trim "${1,,}")" in
    true | yes | 1) return 0 ;;
    false | no | 0 | '') return 1 ;;
    *) fail "'$1' is not a boolean for input $2; use true or false" ;;
  esac
}

# Sets GRAYSTEP_EXE. Not called in a subshell, so that fail() ends the script and its ::error reaches the log.
resolve_graystep() {
  local given="${GRAYSTEP_BIN:-${GRAYSTEP_INPUT_GRAYSTEP_PATH:-}}"
  if [ -n "$given" ]; then
    [ -x "$given" ] || fail "graystep executable not found or not executable: $given (GRAYSTEP_BIN or the graystep-path input)"
    GRAYSTEP_EXE="$given"
    return
  fi

  command -v dotnet >/dev/null 2>&1 ||
    fail "dotnet is not on PATH: keep setup-dotnet true, install .NET 10, or give graystep-path"
  local tool_dir="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/graystep-tool"
  local install=(tool install "$GRAYSTEP_PACKAGE_ID" --tool-path "$tool_dir")
  if [ -n "${GRAYSTEP_INPUT_GRAYSTEP_VERSION:-}" ]; then
    install+=(--version "$GRAYSTEP_INPUT_GRAYSTEP_VERSION")
  fi
  if [ -x "$tool_dir/graystep" ]; then
    install[0]=tool
    install[1]=update # a second run in the same job: update in place instead of failing on "already installed"
  fi
  echo "::group::Install $GRAYSTEP_PACKAGE_ID"
  dotnet "${install[@]}" || fail "dotnet ${install[*]} failed; check the package id and version, or give graystep-path" 1
  echo "::endgroup::"
  [ -x "$tool_dir/graystep" ] || fail "the $GRAYSTEP_PACKAGE_ID tool has no 'graystep' command in $tool_dir" 1
  GRAYSTEP_EXE="$tool_dir/graystep"
}

args=(run "${GRAYSTEP_INPUT_PATH:-.}")

if [ -n "${GRAYSTEP_INPUT_VERSION:-}" ]; then
  args+=(--version "$(trim "$GRAYSTEP_INPUT_VERSION")")
fi

# Images: CONTAINER=IMAGE pairs split on newlines and commas; blank entries are skipped.
images="${GRAYSTEP_INPUT_IMAGES:-}"
images="${images//$'\r'/}"
IFS=$',\n' read -r -d '' -a image_list < <(printf '%s\0' "$images") || true
for raw in "${image_list[@]}"; do
  image="$(trim "$raw")"
  [ -n "$image" ] || continue
  case "$image" in
    ?*=?*) args+=(--image "$image") ;;
    *) fail "images: '$image' is not CONTAINER=IMAGE (for example reviews=ghcr.io/acme/reviews:2.0.0)" ;;
  esac
done

[ -z "${GRAYSTEP_INPUT_REPO:-}" ] || args+=(--repo "$GRAYSTEP_INPUT_REPO")
[ -z "${GRAYSTEP_INPUT_BRANCH:-}" ] || args+=(--branch "$GRAYSTEP_INPUT_BRANCH")
[ -z "${GRAYSTEP_INPUT_PROMETHEUS:-}" ] || args+=(--prometheus "$GRAYSTEP_INPUT_PROMETHEUS")
if is_true "${GRAYSTEP_INPUT_ONCE:-false}" once; then
  args+=(--once)
fi
[ -z "${GRAYSTEP_INPUT_TIMEOUT:-}" ] || args+=(--timeout "$(trim "$GRAYSTEP_INPUT_TIMEOUT")")

# Extra arguments: one per line when the input has several lines, else split on whitespace. Never eval'd.
extra="${GRAYSTEP_INPUT_ARGS:-}"
extra="${extra//$'\r'/}"
if [[ "$(trim "$extra")" == *$'\n'* ]]; then
  while IFS= read -r line; do
    line="$(trim "$line")"
    [ -z "$line" ] || args+=("$line")
  done <<<"$extra"
elif [ -n "$(trim "$extra")" ]; then
  read -r -a words <<<"$extra"
  args+=("${words[@]}")
fi

allow_pending=false
if is_true "${GRAYSTEP_INPUT_ALLOW_PENDING:-true}" allow-pending; then
  allow_pending=true
fi

if [ -n "${GITHUB_TOKEN:-}" ]; then
  # github.token is masked already; a PAT or App token passed in may not be.
  printf '::add-mask::%s\n' "$(escape_data "$GITHUB_TOKEN")"
  export GITHUB_TOKEN
fi

GRAYSTEP_EXE=
resolve_graystep

set +e
"$GRAYSTEP_EXE" "${args[@]}"
status=$?
set -e

if [ "$status" -eq 5 ] && [ "$allow_pending" = true ]; then
  echo "::notice title=Graystep::the rollout is still in progress or waiting for approval; run the workflow again to continue"
  exit 0
fi
exit "$status"
