// Debian's Chromium driven by playwright-core (never a downloaded browser), headless, with
// a fresh profile (playwright's launch() makes a new temporary --user-data-dir each time and
// removes it on close), and nothing that reaches the network by itself.
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/** The Chromium the tests use: `CAIRN_CHROMIUM` or Debian's `/usr/bin/chromium`. */
export const CHROMIUM = process.env["CAIRN_CHROMIUM"] ?? "/usr/bin/chromium";

/** A launched browser and a way to close it. */
export interface TestBrowser {
  browser: Browser;
  close(): Promise<void>;
}

/** Launches headless Chromium with a throwaway profile. */
export async function launchChromium(): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}: the web UI's browser tests and bench/ui.ts drive it. ` +
        "Install it (Debian: `apt-get install -y chromium`; .ci/run does), or set CAIRN_CHROMIUM to a Chromium binary.",
    );
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
  return {
    browser,
    close: async () => {
      await browser.close();
    },
  };
}
