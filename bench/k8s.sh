#!/usr/bin/env bash
# Kubernetes manifests per second and peak RSS of `dockward check`.
# Usage: bench/k8s.sh [files] [runs]   (default 2,000 files, 5 runs)
# Generates `files` manifests into target/k8s-bench (mixed kinds: Deployments with
# Services, StatefulSets, CronJobs, ConfigMaps, ServiceAccounts with RoleBindings and
# NetworkPolicies, a CRD object now and then; 20 namespaces; one to four documents a
# file), then times `dockward check` on one core (-j 1) and on all cores, with every
# default rule, and prints files/s, documents/s and peak RSS (GNU time).
set -euo pipefail
cd "$(dirname "$0")/.."
files="${1:-2000}"
runs="${2:-5}"
target="${CARGO_TARGET_DIR:-target}"

cargo build --release --quiet -p dockward
dockward="$target/release/dockward"

work="$target/k8s-bench"
rm -rf "$work"
mkdir -p "$work"
python3 - "$work" "$files" <<'PY'
import pathlib, sys
out, n = pathlib.Path(sys.argv[1]), int(sys.argv[2])
docs = 0

def workload(i, ns):
    kind = ["Deployment", "StatefulSet", "DaemonSet", "CronJob"][i % 4]
    pod = f"""      metadata:
        labels: {{app: app{i}, tier: {['web', 'api', 'db'][i % 3]}}}
      spec:
        serviceAccountName: sa{i % 7}
        securityContext: {{runAsNonRoot: true, seccompProfile: {{type: RuntimeDefault}}}}
        containers:
        - name: main
          image: ghcr.io/acme/app{i}:1.{i % 10}.0
          ports: [{{containerPort: 8080}}]
          env:
          - {{name: LOG_LEVEL, value: info}}
          - name: DB_PASSWORD
            valueFrom: {{secretKeyRef: {{name: db, key: password}}}}
          resources:
            limits: {{memory: 512Mi, cpu: 500m}}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: {'true' if i % 5 else 'yes'}
            capabilities: {{drop: [ALL]}}
"""
    if kind == "CronJob":
        pod = "\n".join("    " + l if l else l for l in pod.splitlines())
        spec = f"""spec:
  schedule: "*/5 * * * *"
  jobTemplate:
    spec:
      template:
{pod}"""
    else:
        spec = f"""spec:
  selector: {{matchLabels: {{app: app{i}}}}}
  template:
{pod}"""
    return f"""apiVersion: {'batch/v1' if kind == 'CronJob' else 'apps/v1'}
kind: {kind}
metadata: {{name: app{i}, namespace: {ns}}}
{spec}"""

for i in range(n):
    ns = f"team-{i % 20}"
    parts = []
    k = i % 6
    if k in (0, 1, 2):
        parts.append(workload(i, ns))
        if k == 0:
            parts.append(f"apiVersion: v1\nkind: Service\nmetadata: {{name: app{i}, namespace: {ns}}}\nspec:\n  selector: {{app: app{i}}}\n  ports: [{{port: 80, targetPort: 8080}}]\n")
    elif k == 3:
        parts.append(f"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: np{i}, namespace: {ns}}}\nspec:\n  podSelector: {{matchLabels: {{tier: web}}}}\n  policyTypes: [Ingress, Egress]\n  ingress:\n  - from: [{{namespaceSelector: {{matchLabels: {{kubernetes.io/metadata.name: ingress}}}}}}]\n  egress:\n  - to: [{{podSelector: {{matchLabels: {{tier: db}}}}}}]\n    ports: [{{port: 5432, protocol: TCP}}]\n")
        if i % 12 == 3:
            parts.append(f"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: default-deny, namespace: {ns}}}\nspec:\n  podSelector: {{}}\n  policyTypes: [Ingress, Egress]\n")
    elif k == 4:
        parts.append(f"apiVersion: v1\nkind: ServiceAccount\nmetadata: {{name: sa{i % 7}, namespace: {ns}}}\nautomountServiceAccountToken: false\n")
        parts.append(f"apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {{name: rb{i}, namespace: {ns}}}\nroleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}}\nsubjects: [{{kind: ServiceAccount, name: sa{i % 7}}}]\n")
        parts.append(f"apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {{name: reader, namespace: {ns}}}\nrules: [{{apiGroups: [''], resources: [configmaps], verbs: [get, list]}}]\n")
    else:
        parts.append(f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: cfg{i}, namespace: {ns}}}\ndata:\n  LOG_LEVEL: info\n  app.properties: |\n    server.port=8080\n    feature.x=on\n")
        if i % 30 == 5:
            parts.append(f"apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {{name: tls{i}, namespace: {ns}}}\nspec: {{secretName: tls{i}}}\n")
    docs += len(parts)
    d = out / ns
    d.mkdir(exist_ok=True)
    (d / f"m{i:05}.yaml").write_text("---\n".join(parts))
(out / "DOCUMENTS").write_text(str(docs))
PY
documents=$(cat "$work/DOCUMENTS")
rm "$work/DOCUMENTS"
bytes=$(du -sb "$work" | cut -f1)
echo "generated: $files files, $documents documents, $((bytes / 1024)) KiB in $work"

measure() {
  local name="$1"; shift
  local walls=() rss=() tfile
  tfile=$(mktemp)
  for _ in $(seq "$runs"); do
    local t0 t1
    t0=$(date +%s%N)
    /usr/bin/time -o "$tfile" -f '%M' "$@" >/dev/null 2>&1 || true
    t1=$(date +%s%N)
    walls+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", (b - a) / 1e9 }')")
    rss+=("$(tail -n 1 "$tfile")")
  done
  rm -f "$tfile"
  local median maxrss
  median=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  maxrss=$(printf '%s\n' "${rss[@]}" | sort -n | tail -n 1)
  printf '%-22s median %7.3f s  %7s files/s  %7s documents/s  peak RSS %6.1f MiB\n' "$name" "$median" \
    "$(awk -v n="$files" -v t="$median" 'BEGIN { printf "%.0f", n / t }')" \
    "$(awk -v n="$documents" -v t="$median" 'BEGIN { printf "%.0f", n / t }')" \
    "$(awk -v k="$maxrss" 'BEGIN { print k / 1024 }')"
}

# The summary line (documents, objects, kinds not judged) once, for the record.
"$dockward" check --isolated --format json --fail-on none -j 1 "$work" 2>&1 >/dev/null | grep Kubernetes || true
measure "dockward (-j 1)" "$dockward" check --isolated --format json --fail-on none -j 1 "$work"
measure "dockward (all cores)" "$dockward" check --isolated --format json --fail-on none "$work"
