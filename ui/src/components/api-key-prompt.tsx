import { useState } from "preact/hooks";
import type { ApiError } from "../api/api-client.js";

/**
 * Asks for the server's API key (`CAIRN_SERVER_API_KEY`). The key is kept for this
 * browser session only; a wrong key shows the server's answer and asks again.
 */
export function ApiKeyPrompt({ error, onKey }: { error: ApiError; onKey: (key: string) => void }) {
  const [key, setKey] = useState("");
  const wrong = /wrong/i.test(error.message);
  return (
    <form
      class="api-key-prompt"
      onSubmit={(e) => {
        e.preventDefault();
        if (key.trim() !== "") onKey(key.trim());
      }}
    >
      <h1>This Cairn server needs an API key</h1>
      {wrong ? (
        <p class="error-box" role="alert">
          The key you entered was refused: the server says "{error.message}" Check the value of CAIRN_SERVER_API_KEY where the server runs.
        </p>
      ) : (
        <p>
          The server was started with <code>CAIRN_SERVER_API_KEY</code>: enter that key to see its runs. It is kept for this browser session only
          (until the tab is closed).
        </p>
      )}
      <label>
        API key <input type="password" name="apiKey" autocomplete="off" value={key} onInput={(e) => setKey((e.currentTarget as HTMLInputElement).value)} autofocus />
      </label>
      <button type="submit">Continue</button>
    </form>
  );
}
