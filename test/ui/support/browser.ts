// Debian's Chromium driven by playwright-core (never a downloaded browser), headless, with
// a fresh profile (playwright's launch() makes a new temporary --user-data-dir each time and
// removes it on close), and nothing that reaches the network by itself.
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
