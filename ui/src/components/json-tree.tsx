import { useMemo, useState } from "preact/hooks";
import type { PreviewNode } from "../api/api-client.js";

const CONTAINERS = new Set(["object", "array", "map", "set"]);

/** A collapsible tree of a value's nodes (as the preview API sends them: flat, each pointing to its container). */
export function JsonTree({ nodes, truncated }: { nodes: PreviewNode[]; truncated: boolean }) {
  const children = useMemo(() => {
    const map = new Map<number, PreviewNode[]>();
    for (const node of nodes) {
      if (node.parent < 0) continue;
      let list = map.get(node.parent);
      if (list === undefined) map.set(node.parent, (list = []));
      list.push(node);
    }
    return map;
  }, [nodes]);
  const root = nodes[0];
  if (root === undefined) return <p class="muted">Empty.</p>;
  return (
    <div class="json-tree" role="tree">
      <TreeNode node={root} children={children} depth={0} />
      {truncated && <p class="muted">The value is large: parts of it are left out (see the counts).</p>}
    </div>
  );
}

function TreeNode({ node, children, depth }: { node: PreviewNode; children: Map<number, PreviewNode[]>; depth: number }) {
  const [open, setOpen] = useState(depth < 2);
  const kids = children.get(node.id) ?? [];
  const container = CONTAINERS.has(node.type);
  const label = node.key === null ? null : <span class="tree-key">{node.key}: </span>;
  if (!container) {
    return (
      <div class="tree-leaf" role="treeitem">
        {label}
        <span class={`tree-value type-${node.type}`}>{node.type === "string" ? JSON.stringify(node.text) : node.text}</span>
      </div>
    );
  }
  return (
    <div class="tree-branch" role="treeitem" aria-expanded={open}>
      <button type="button" class="tree-toggle" onClick={() => setOpen(!open)}>
        {open ? "▾" : "▸"} {label}
        <span class={`tree-summary type-${node.type}`}>{node.text}</span>
      </button>
      {open && (
        <div class="tree-children" role="group">
          {kids.map((k) => (
            <TreeNode key={k.id} node={k} children={children} depth={depth + 1} />
          ))}
          {node.more !== undefined && <div class="muted">… {node.more} more</div>}
        </div>
      )}
    </div>
  );
}
