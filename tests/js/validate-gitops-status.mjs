// Validates a GitOps status object served by graystep-sandbox against the upstream models.
// usage: node validate-gitops-status.mjs argocd-application|flux-kustomization <file.json>
// Exit 0 and "valid" when it validates; exit 1 with every problem otherwise.
import { readFileSync } from "node:fs";
import { Application } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application";
import { Kustomization } from "@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1/Kustomization";

const [kind, file] = process.argv.slice(2);
if (!kind || !file) {
  console.error("usage: node validate-gitops-status.mjs argocd-application|flux-kustomization <file.json>");
  process.exit(2);
}

const data = JSON.parse(readFileSync(file, "utf8"));
const problems = [];

function schema(Model) {
  try {
    new Model(data).validate();
  } catch (e) {
    problems.push(`schema: ${e.message}`);
  }
}

function need(path, allowed) {
  const value = path.split(".").reduce((o, k) => (o == null ? undefined : o[k]), data);
  if (value === undefined || value === null || value === "") {
    problems.push(`${path} is missing`);
  } else if (allowed && !allowed.includes(value)) {
    problems.push(`${path} is ${JSON.stringify(value)}; expected one of ${allowed.join(", ")}`);
  }
}

if (kind === "argocd-application") {
  schema(Application);
  need("apiVersion", ["argoproj.io/v1alpha1"]);
  need("kind", ["Application"]);
  // Argo CD's own enums (gitops-engine SyncStatusCode and HealthStatusCode).
  need("status.sync.status", ["Synced", "OutOfSync", "Unknown"]);
  need("status.sync.revision");
  need("status.health.status", ["Healthy", "Progressing", "Degraded", "Suspended", "Missing", "Unknown"]);
  need("status.operationState.phase", ["Running", "Terminating", "Failed", "Error", "Succeeded"]);
  need("status.operationState.finishedAt");
  need("status.operationState.syncResult.revision");
} else if (kind === "flux-kustomization") {
  schema(Kustomization);
  need("apiVersion", ["kustomize.toolkit.fluxcd.io/v1"]);
  need("kind", ["Kustomization"]);
  need("status.lastAppliedRevision");
  const ready = (data.status?.conditions ?? []).find((c) => c.type === "Ready");
  if (!ready) problems.push("status.conditions has no Ready condition");
  else if (!["True", "False", "Unknown"].includes(ready.status)) problems.push(`Ready status is ${ready.status}`);
} else {
  console.error(`unknown kind ${kind}`);
  process.exit(2);
}

if (problems.length > 0) {
  for (const p of problems) console.error(p);
  process.exit(1);
}
console.log("valid");
