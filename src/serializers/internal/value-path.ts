const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** The root of every value path in messages. */
export const ROOT_PATH = "value";

/** `value.name` for identifier keys, `value["first name"]` for others. */
export function propertyPath(base: string, key: string): string {
  return IDENTIFIER.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`;
}

/** `value[3]`. */
export function indexPath(base: string, index: number): string {
  return `${base}[${index}]`;
}

/** `value.get("key")` for a Map entry; object keys are shown by position: `value.get(<key #2>)`. */
export function mapValuePath(base: string, key: unknown, position: number): string {
  return `${base}.get(${formatMapKey(key, position)})`;
}

/** `value.keys()[2]` for a Map key. */
export function mapKeyPath(base: string, position: number): string {
  return `${base}.keys()[${position}]`;
}

/** `value.values()[2]` for a Set element. */
export function setElementPath(base: string, position: number): string {
  return `${base}.values()[${position}]`;
}

function formatMapKey(key: unknown, position: number): string {
  switch (typeof key) {
    case "string":
      return JSON.stringify(key);
    case "number":
    case "boolean":
      return String(key);
    case "bigint":
      return `${key}n`;
    case "undefined":
      return "undefined";
    default:
      return key === null ? "null" : `<key #${position}>`;
  }
}
