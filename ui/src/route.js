// Where the UI is, in the URL's fragment, so every view is a link:
//   #/search?q=orders   #/dataset/NAMESPACE/NAME?tab=schema
import { useEffect, useState } from "preact/hooks";

export function parse(hash) {
  const text = (hash || "").replace(/^#/, "") || "/search";
  const [path, query = ""] = text.split("?", 2);
  const params = Object.fromEntries(new URLSearchParams(query));
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  return { page: parts[0] || "search", parts: parts.slice(1), params };
}

export function href(page, parts = [], params = {}) {
  const path = [page, ...parts].map(encodeURIComponent).join("/");
  const query = new URLSearchParams(
    Object.entries(params).filter(([, v]) => v !== undefined && v !== ""),
  ).toString();
  return `#/${path}${query ? "?" + query : ""}`;
}

export function useRoute() {
  const [route, setRoute] = useState(parse(location.hash));
  useEffect(() => {
    const changed = () => setRoute(parse(location.hash));
    addEventListener("hashchange", changed);
    return () => removeEventListener("hashchange", changed);
  }, []);
  return route;
}

// A dataset's page, by its namespace and name.
export function datasetHref(key, params) {
  return href("dataset", [key.namespace, key.name], params);
}
