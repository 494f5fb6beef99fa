// Validates Argo CD and Flux objects (JSON files) against the upstream CRD models in
// @kubernetes-models/argo-cd and @kubernetes-models/flux-cd, so that the sample objects the .NET tests serve
// cannot drift from the real CRDs.
//
// Two checks per file:
//   1. the package's own validator (the CRD's OpenAPI schema: types, required fields, formats);
//   2. a strict field check: every key must be a property of the model's type declaration (.d.ts), because the
//      CRD schemas accept unknown fields and a misspelt status field would otherwise pass.
//
// Usage: node validate-crd.mjs FILE.json...   Prints "ok FILE" per valid file; problems go to stderr; exit 1 if any.
import { readFileSync, existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const nodeModules = join(here, "node_modules");

// API group -> npm package holding its models.
const packages = [
  { match: (group) => group === "argoproj.io", pkg: "@kubernetes-models/argo-cd" },
  { match: (group) => group.endsWith(".toolkit.fluxcd.io"), pkg: "@kubernetes-models/flux-cd" },
];

function modelFor(apiVersion, kind) {
  const [group, version] = String(apiVersion).split("/");
  const entry = packages.find((p) => version && p.match(group));
  if (!entry) return null;
  const base = join(nodeModules, entry.pkg, group, version, kind);
  return existsSync(base + ".js") ? { js: base + ".js", dts: base + ".d.ts", kind } : null;
}

// ---- strict field check over the generated .d.ts files -------------------------------------------------------

const declarations = new Map();

function resolveImport(fromFile, spec) {
  const target = spec.startsWith(".") ? resolve(dirname(fromFile), spec) : join(nodeModules, spec);
  return target.replace(/\.js$/, "") + ".d.ts";
}

// Parses one generated declaration file: its imports, and either the class's properties or a type alias.
function declaration(file) {
  if (declarations.has(file)) return declarations.get(file);
  const text = readFileSync(file, "utf8");
  const imports = new Map();
  for (const m of text.matchAll(/^import \{([^}]*)\} from "([^"]+)";/gm)) {
    for (const name of m[1].split(",").map((s) => s.trim()).filter(Boolean)) {
      imports.set(name.split(/\s+as\s+/).pop(), resolveImport(file, m[2]));
    }
  }
  let props = null;
  let alias = null;
  const cls = text.match(/^export declare class \w+[^{]*\{\n([\s\S]*?)\n\}/m);
  if (cls) {
    props = new Map();
    const lines = cls[1].split("\n");
    for (let i = 0; i < lines.length; i++) {
      const m = lines[i].match(/^ {4}"([^"]+)"\??: (.*)$/);
      if (!m) continue;
      let type = m[2];
      let depth = (type.match(/\{/g) || []).length - (type.match(/\}/g) || []).length;
      while (depth > 0 && i + 1 < lines.length) {
        const next = lines[++i];
        type += " " + next.trim();
        depth += (next.match(/\{/g) || []).length - (next.match(/\}/g) || []).length;
      }
      props.set(m[1], type.replace(/;\s*$/, "").trim());
    }
  } else {
    const a = text.match(/^export type I\w+ = ([\s\S]*?);\n/m);
    alias = a ? a[1].trim() : "unknown";
  }
  const parsed = { file, imports, props, alias };
  declarations.set(file, parsed);
  return parsed;
}

function checkFields(value, type, decl, path, problems) {
  if (value === null || value === undefined) return;
  type = type.trim();
  const array = type.match(/^Array<([\s\S]+)>$/);
  if (array) {
    if (Array.isArray(value)) value.forEach((v, i) => checkFields(v, array[1], decl, `${path}/${i}`, problems));
    return;
  }
  const map = type.match(/^\{\s*\[key: string\]:\s*([\s\S]+?);?\s*\}$/);
  if (map) {
    if (typeof value === "object" && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) checkFields(v, map[1], decl, `${path}/${k}`, problems);
    }
    return;
  }
  if (!/^[A-Za-z_]\w*$/.test(type) || ["string", "number", "boolean", "any", "unknown", "object"].includes(type)) {
    return; // primitives, literals and unions: the schema validator checks those
  }
  const file = decl.imports.get(type);
  if (!file || !existsSync(file)) return;
  checkObject(value, declaration(file), path, problems);
}

function checkObject(value, decl, path, problems) {
  if (decl.alias !== null) {
    checkFields(value, decl.alias, decl, path, problems);
    return;
  }
  if (typeof value !== "object" || Array.isArray(value)) return;
  const typeName = decl.file.split("/").pop().replace(/\.d\.ts$/, "");
  for (const [key, child] of Object.entries(value)) {
    const type = decl.props.get(key);
    if (type === undefined) {
      problems.push(`${path}/${key}: unknown field (not a property of ${typeName})`);
      continue;
    }
    checkFields(child, type, decl, `${path}/${key}`, problems);
  }
}

// ---- main -------------------------------------------------------------------------------------------------------

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node validate-crd.mjs FILE.json...");
  process.exit(2);
}

let failed = 0;
for (const file of files) {
  const problems = [];
  let object;
  try {
    object = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    problems.push(`not JSON: ${e.message}`);
  }
  if (object) {
    const model = modelFor(object.apiVersion, object.kind);
    if (!model) {
      problems.push(`no upstream model for apiVersion ${object.apiVersion} kind ${object.kind}`);
    } else {
      const Model = (await import(model.js))[model.kind];
      try {
        new Model(object).validate();
      } catch (e) {
        problems.push(...String(e.message).split(/,\s(?=data)/));
      }
      checkObject(object, declaration(model.dts), "", problems);
    }
  }
  if (problems.length > 0) {
    failed++;
    for (const p of problems) console.error(`${file}: ${p}`);
  } else {
    console.log(`ok ${file}`);
  }
}
process.exit(failed > 0 ? 1 : 0);
