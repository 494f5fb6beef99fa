// Validates Kubernetes objects against their upstream schemas (kubernetes-models, @kubernetes-models/istio,
// @kubernetes-models/gateway-api).
//
// usage: node validate-manifests.mjs DOCUMENTS.json
//   DOCUMENTS.json holds an array of {"source": "<where it came from>", "object": {...}}.
// Prints one line per failure and exits 1 when anything failed (2 on bad usage); prints a summary and exits 0
// when every object is valid. An apiVersion/kind without a schema is a failure, never a silent pass.
import { readFileSync } from "node:fs";

const packages = [
  { matches: (group) => group.endsWith(".istio.io"), name: "@kubernetes-models/istio" },
  { matches: (group) => group.startsWith("gateway.networking."), name: "@kubernetes-models/gateway-api" },
  { matches: () => true, name: "kubernetes-models" },
];

async function modelFor(apiVersion, kind) {
  const slash = apiVersion.indexOf("/");
  const group = slash < 0 ? "" : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  const pkg = packages.find((p) => p.matches(group)).name;
  const module = group === "" ? `${pkg}/${version}` : `${pkg}/${group}/${version}`;
  try {
    const loaded = await import(module);
    return typeof loaded[kind] === "function" ? loaded[kind] : null;
  } catch {
    return null;
  }
}

function describe(error) {
  const where = error.instancePath || "/";
  const params = error.params && Object.keys(error.params).length > 0 ? ` ${JSON.stringify(error.params)}` : "";
  return `${where} ${error.message}${params}`;
}

if (process.argv.length !== 3) {
  console.error("usage: node validate-manifests.mjs DOCUMENTS.json");
  process.exit(2);
}

const documents = JSON.parse(readFileSync(process.argv[2], "utf8"));
if (!Array.isArray(documents)) {
  console.error("the input must be a JSON array of {source, object}");
  process.exit(2);
}

const failures = [];
for (const { source, object } of documents) {
  const apiVersion = object?.apiVersion;
  const kind = object?.kind;
  const label = `${source}: ${apiVersion} ${kind} ${object?.metadata?.name ?? "(no name)"}`;
  if (typeof apiVersion !== "string" || typeof kind !== "string") {
    failures.push(`${label}: missing apiVersion or kind`);
    continue;
  }

  const Model = await modelFor(apiVersion, kind);
  if (Model === null) {
    failures.push(`${label}: no upstream schema for ${apiVersion} ${kind}`);
    continue;
  }

  try {
    new Model(object).validate();
  } catch (error) {
    const errors = Array.isArray(error.errors) ? error.errors : [{ instancePath: "", message: String(error.message) }];
    for (const e of errors) {
      failures.push(`${label}: ${describe(e)}`);
    }
  }
}

if (failures.length > 0) {
  for (const line of failures) {
    console.log(line);
  }
  console.log(`${failures.length} problem(s) in ${documents.length} object(s)`);
  process.exit(1);
}

console.log(`${documents.length} object(s) valid`);
