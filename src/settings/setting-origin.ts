/**
 * Where a raw setting value was read from, for error messages.
 *
 * - `env`: an environment variable.
 * - `profile`: a profile in a profiles file.
 * - `input`: given directly, e.g. to `cairn config set`.
 */
export type SettingOrigin =
  | { readonly kind: "env" }
  | { readonly kind: "profile"; readonly profile: string; readonly file: string }
  | { readonly kind: "input"; readonly description?: string };

/**
 * Describes an origin for an error message.
 *
 * @example
 * ```ts
 * describeOrigin({ kind: "env" }); // "from the environment"
 * describeOrigin({ kind: "profile", profile: "dev", file: "/home/me/.cairn/profiles.toml" });
 * // 'from profile "dev" in /home/me/.cairn/profiles.toml'
 * ```
 */
export function describeOrigin(origin: SettingOrigin): string {
  switch (origin.kind) {
    case "env":
      return "from the environment";
    case "profile":
      return `from profile "${origin.profile}" in ${origin.file}`;
    case "input":
      return origin.description ?? "given as input";
  }
}
