// Renders each overlay with `kubectl kustomize` and validates every object against the Kubernetes
// OpenAPI schemas shipped in the npm package kubernetes-models (types, required fields, formats;
// unknown fields are not reported). Offline: no API server needed.
//
//   npm ci --prefix k8s/validate && node k8s/validate/validate.mjs [overlay ...]
//
// Exit code 0 when every object of every overlay is valid, 1 otherwise.
import { execFileSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import * as models from "kubernetes-models";

const k8sDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const kubectl = process.env.KUBECTL || "kubectl";
const overlays = process.argv.length > 2 ? process.argv.slice(2) : ["dev", "prod"];

// "apps/v1" -> models.apps.v1; "rbac.authorization.k8s.io/v1" -> models.rbacAuthorizationK8sIo.v1; "v1" -> models.v1
function modelFor(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const groupKey = group === ""
    ? null
    : group.split(".").map((part, i) => (i === 0 ? part : part[0].toUpperCase() + part.slice(1))).join("");
  const versions = groupKey === null ? models : models[groupKey];
  return versions?.[version]?.[kind];
}

let problems = 0;
for (const overlay of overlays) {
  const dir = join(k8sDir, "overlays", overlay);
  let rendered;
  try {
    rendered = execFileSync(kubectl, ["kustomize", dir], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    if (error.code === "ENOENT") {
      console.error(`kubectl not found (looked for '${kubectl}'; set KUBECTL to its path). It renders the overlays offline.`);
    } else {
      console.error(`kubectl kustomize ${dir} failed:\n${error.stderr || error.message}`);
    }
    problems++;
    continue;
  }

  const docs = parseAllDocuments(rendered).map((d) => d.toJS()).filter((d) => d);
  let valid = 0;
  for (const doc of docs) {
    const name = `${overlay}: ${doc.kind}/${doc.metadata?.name}`;
    const Model = modelFor(doc.apiVersion ?? "", doc.kind ?? "");
    if (!Model) {
      console.error(`${name}: no schema for ${doc.apiVersion} ${doc.kind}`);
      problems++;
      continue;
    }
    try {
      new Model(doc).validate();
      valid++;
    } catch (error) {
      console.error(`${name}: ${error.message}`);
      problems++;
    }
  }
  console.log(`${overlay}: ${valid} of ${docs.length} objects valid against the Kubernetes schemas`);
}

if (problems > 0) {
  console.error(`${problems} problem(s) in the rendered manifests`);
  process.exit(1);
}
