// catalogd's web UI: sign in, find data, understand it, trust it.
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { session, signOut, whenSignedOut } from "./api.js";
import { href, useRoute } from "./route.js";
import { SignIn } from "./pages/signin.jsx";
import { Search } from "./pages/search.jsx";
import { DatasetPage } from "./pages/dataset.jsx";
import { AuditPage } from "./pages/audit.jsx";
import { PoliciesPage } from "./pages/policies.jsx";
import { GovernancePage } from "./pages/governance.jsx";
import { ProductsPage } from "./pages/products.jsx";
import { GlossaryPage } from "./pages/glossary.jsx";
import { ModelsPage } from "./pages/models.jsx";
import { ApplicationsPage } from "./pages/applications.jsx";
import { FeatureViewsPage } from "./pages/feature_views.jsx";
import { JobsPage } from "./pages/jobs.jsx";
import { DirectoryPage } from "./pages/directory.jsx";
import { IncidentsPage } from "./pages/incidents.jsx";

function Shell({ who, onSignOut }) {
  const route = useRoute();
  let page;
  if (route.page === "dataset" && route.parts.length === 2) {
    page = <DatasetPage namespace={route.parts[0]} name={route.parts[1]} params={route.params} />;
  } else if (route.page === "audit") {
    page = <AuditPage params={route.params} />;
  } else if (route.page === "products") {
    page = <ProductsPage parts={route.parts} params={route.params} />;
  } else if (route.page === "models") {
    page = <ModelsPage parts={route.parts} params={route.params} />;
  } else if (route.page === "featureviews") {
    page = <FeatureViewsPage parts={route.parts} params={route.params} />;
  } else if (route.page === "applications") {
    page = <ApplicationsPage parts={route.parts} params={route.params} />;
  } else if (route.page === "glossary") {
    page = <GlossaryPage parts={route.parts} params={route.params} />;
  } else if (route.page === "governance") {
    page = <GovernancePage params={route.params} />;
  } else if (route.page === "policies") {
    page = <PoliciesPage params={route.params} />;
  } else if (route.page === "jobs") {
    page = <JobsPage params={route.params} />;
  } else if (route.page === "incidents") {
    page = <IncidentsPage params={route.params} />;
  } else if (route.page === "directory") {
    page = <DirectoryPage />;
  } else {
    page = <Search params={route.params} />;
  }
  return (
    <>
      <a class="skip" href="#main">Skip to content</a>
      <header class="top">
        <a class="brand" href={href("search")}>catalogd</a>
        <nav aria-label="Main">
          {[["search", "Search"], ["incidents", "Incidents"], ["jobs", "Jobs"],
            ["directory", "Domains and groups"], ["products", "Data products"],
            ["models", "Models"], ["featureviews", "Feature views"], ["applications", "AI applications"], ["glossary", "Glossary"], ["governance", "Governance"],
            ["policies", "Policies"], ["audit", "Audit log"]].map(([id, label]) => (
            <a href={href(id)} aria-current={route.page === id ? "page" : undefined}>{label}</a>
          ))}
        </nav>
        <span class="who" data-testid="who">{who.principal}</span>
        {who.method === "session" && (
          <button type="button" class="link" onClick={onSignOut}>Sign out</button>
        )}
      </header>
      <main id="main" tabIndex={-1}>{page}</main>
    </>
  );
}

function App() {
  const [who, setWho] = useState(undefined);  // undefined: asking; null: signed out
  useEffect(() => {
    whenSignedOut(() => setWho(null));
    session().then(setWho, () => setWho(null));
  }, []);
  if (who === undefined) return <p class="loading" role="status">Loading…</p>;
  if (who === null) return <SignIn onSignedIn={setWho} />;
  return (
    <Shell
      who={who}
      onSignOut={async () => {
        try {
          await signOut();
        } finally {
          setWho(null);
        }
      }}
    />
  );
}

render(<App />, document.getElementById("app"));
