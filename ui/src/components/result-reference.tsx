import type { StorageBlockView, TaskRunDetails } from "../api/api-client.js";
import { formatTime } from "../format.js";
import { href } from "../router.js";
import { Facts } from "./facts.js";

/** A run's result as the metadata store records it: a reference (block, key, serializer, expiration, integrity), a literal, or nothing. */
export function ResultReference({ result, block }: { result: TaskRunDetails["result"]; block: StorageBlockView | null }) {
  if (result === null) return <p class="muted">No result recorded.</p>;
  if (result.type === "literal") return <Facts items={[["Kind", "literal, kept in the metadata store"], ["Value", <code>{String(result.value)}</code>]]} />;
  if (result.type === "unpersisted") {
    return <p class="muted">{result.pruned ? "The result was deleted by `cairn results prune`." : "The result was not persisted (it was held in memory only)."}</p>;
  }
  return (
    <Facts
      items={[
        ["Kind", "reference to a result blob in storage"],
        [
          "Storage block",
          block === null ? (
            <span class="muted">{result.storageBlockId === null ? "none recorded" : `${result.storageBlockId} (no longer saved)`}</span>
          ) : (
            <a href={href("blocks", block.id)}>
              {block.blockTypeSlug}/{block.isAnonymous ? "(anonymous)" : block.name}
            </a>
          ),
        ],
        ["Storage key", <code class="break">{result.storageKey}</code>],
        ["Serializer", <code>{result.serializerType}</code>],
        ["Expiration", result.expiration === null ? "never" : formatTime(result.expiration)],
        ["Integrity hash", result.integrity === null ? <span class="muted">not recorded in the reference (the blob carries its own)</span> : <code class="break">{result.integrity}</code>],
      ]}
    />
  );
}
