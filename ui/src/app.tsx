import { useEffect, useState } from "preact/hooks";
import { onUnauthorized, type ApiError } from "./api/api-client.js";
import { storeApiKey } from "./api/api-key.js";
import { ApiKeyPrompt } from "./components/api-key-prompt.js";
import { HealthFooter } from "./components/health-footer.js";
import { BlockPage } from "./pages/block-page.js";
import { BlocksPage } from "./pages/blocks-page.js";
import { CachePage } from "./pages/cache-page.js";
import { CachesPage } from "./pages/caches-page.js";
import { FlowRunPage } from "./pages/flow-run-page.js";
import { FlowRunsPage } from "./pages/flow-runs-page.js";
import { SettingsPage } from "./pages/settings-page.js";
import { TaskRunPage } from "./pages/task-run-page.js";
import { href, useRoute, type Route } from "./router.js";

/** The page of a route. */
function Page({ route }: { route: Route }) {
  const [section, id] = route.segments;
  switch (section) {
    case undefined:
    case "flow-runs":
      return id === undefined ? <FlowRunsPage route={route} /> : <FlowRunPage id={id} key={id} />;
    case "task-runs":
      return id === undefined ? <FlowRunsPage route={route} /> : <TaskRunPage id={id} key={id} />;
    case "caches":
      return id === undefined ? <CachesPage /> : <CachePage taskKey={id} key={id} />;
    case "blocks":
      return id === undefined ? <BlocksPage /> : <BlockPage id={id} key={id} />;
    case "settings":
      return <SettingsPage />;
    default:
      return (
        <p class="error-box">
          There is no page <code>{location.hash}</code>. <a href={href("flow-runs")}>See the flow runs.</a>
        </p>
      );
  }
}

const NAV: [section: string, label: string][] = [
  ["flow-runs", "Flow runs"],
  ["caches", "Caches"],
  ["blocks", "Blocks"],
  ["settings", "Settings"],
];

/** The UI: navigation, the current page, the health footer; the API key prompt while the server refuses the requests. */
export function App() {
  const route = useRoute();
  const [unauthorized, setUnauthorized] = useState<ApiError | undefined>(undefined);
  const [generation, setGeneration] = useState(0);
  useEffect(() => onUnauthorized((error) => setUnauthorized(error)), []);
  const section = route.segments[0] ?? "flow-runs";
  const current = section === "task-runs" ? "flow-runs" : section;
  return (
    <>
      <header class="header">
        <a class="brand" href={href("flow-runs")}>
          <span class="logo" aria-hidden="true">▲</span> Cairn
        </a>
        <nav>
          {NAV.map(([s, label]) => (
            <a key={s} href={href(s)} class={current === s ? "active" : ""}>
              {label}
            </a>
          ))}
        </nav>
      </header>
      <main class="main">
        {unauthorized !== undefined ? (
          <ApiKeyPrompt
            error={unauthorized}
            onKey={(key) => {
              storeApiKey(key);
              setUnauthorized(undefined);
              setGeneration((g) => g + 1);
            }}
          />
        ) : (
          <Page route={route} key={generation} />
        )}
      </main>
      <HealthFooter />
    </>
  );
}
