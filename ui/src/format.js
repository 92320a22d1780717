// How catalog values read in the UI.

// CLASSIFICATION_CONFIDENTIAL -> confidential; OWNERSHIP_TYPE_TECHNICAL -> technical.
export function enumName(value, prefix) {
  if (!value) return "";
  return value.startsWith(prefix) ? value.slice(prefix.length).toLowerCase() : value.toLowerCase();
}

export const classification = (v) => enumName(v, "CLASSIFICATION_");
export const ownership = (v) => enumName(v, "OWNERSHIP_TYPE_");

export function datasetName(key) {
  return `${key.namespace}/${key.name}`;
}

// A schema's fields, nested ones after their parent with their path.
export function flattenFields(fields, prefix = "", depth = 0, out = []) {
  for (const f of fields || []) {
    const path = prefix ? `${prefix}.${f.name}` : f.name;
    out.push({ ...f, path, depth });
    flattenFields(f.fields, path, depth + 1, out);
  }
  return out;
}
