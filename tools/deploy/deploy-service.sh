#!/usr/bin/env bash
# Deploys ONE service to the current kubectl context, touching only that service's objects:
#   tools/deploy/deploy-service.sh <service> [dev|prod]        (nx: npx nx run @plinth/<service>:deploy)
# Order: config, account, policies and autoscaling first; then the migration Job (waited for); then the
# Deployment, whose rollout is waited for.
# Migrations must be backward compatible with the version still running (README "Deploying").
# Set IMAGE_TAG to deploy another release than the overlay's; DRY_RUN=1 prints the objects only.
set -euo pipefail

service=${1:?usage: deploy-service.sh <service> [dev|prod]}
environment=${2:-${DEPLOY_ENV:-prod}}
root=$(cd "$(dirname "$0")/../.." && pwd)
path="$root/k8s/overlays/$environment/$service"
[ -f "$path/kustomization.yaml" ] || { echo "no such service path: k8s/overlays/$environment/$service" >&2; exit 2; }

rendered=$(mktemp)
trap 'rm -f "$rendered"' EXIT
if [ -n "${IMAGE_TAG:-}" ]; then
  # Render a copy of the overlay with the new tag, without editing the checked-in files.
  work=$(mktemp -d)
  trap 'rm -f "$rendered"; rm -rf "$work"' EXIT
  cp -r "$root/k8s" "$work/k8s"
  (cd "$work/k8s/overlays/$environment/$service" && kubectl kustomize . >/dev/null &&
    sed -i "s|^\(    newTag:\).*|\1 ${IMAGE_TAG}|" kustomization.yaml)
  path="$work/k8s/overlays/$environment/$service"
fi
kubectl kustomize "$path" >"$rendered"

if [ "${DRY_RUN:-}" = 1 ]; then cat "$rendered"; exit 0; fi

# The rendered documents whose kind is (or, with "!", is not) in a comma-separated list.
documents() {
  awk -v kinds="$1" 'BEGIN { RS = "\n---\n"; negate = sub(/^!/, "", kinds) }
    { kind = $0; if (!sub(/^(.*\n)?kind: /, "", kind)) next; sub(/\n.*/, "", kind)
      if ((("," kinds ",") ~ ("," kind ",")) != negate) printf "%s\n---\n", $0 }' "$rendered"
}

namespace=$(awk '/^  namespace:/ { print $2; exit }' "$rendered")
documents '!Deployment,Job' | kubectl apply -f -
if [ -n "$(documents Job)" ]; then
  # A Job's pod template is immutable: replace the previous run, then wait for this one.
  kubectl -n "$namespace" delete job "$service-migrate" --ignore-not-found --wait=true
  documents Job | kubectl apply -f -
  kubectl -n "$namespace" wait --for=condition=complete "job/$service-migrate" --timeout=10m
fi
documents Deployment | kubectl apply -f -
kubectl -n "$namespace" rollout status "deployment/$service" --timeout=10m
