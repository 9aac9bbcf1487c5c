import { ConfigurationError } from "../../errors/configuration-error.js";

/** A class the JSON serializer may write and rebuild, registered under a stable name. */
export interface JsonClassDefinition<T extends object = object> {
  /** The class. Only instances whose constructor is exactly this class use the definition. */
  cls: abstract new (...args: any[]) => T;
  /**
   * Turns an instance into data (any value the JSON serializer can write).
   * @default the instance's own enumerable properties
   */
  toJSON?: ((instance: T) => unknown) | undefined;
  /**
   * Rebuilds an instance from that data.
   * @default an object with the class's prototype and the data's properties (the constructor is not called)
   */
  fromJSON?: ((data: any) => T) | undefined;
}

/** The options of {@link JsonClassRegistry.register} besides the name and class. */
export type JsonClassOptions<T extends object> = Omit<JsonClassDefinition<T>, "cls">;

const NAME = /^[A-Za-z_$][\w$.:-]*$/;

/**
 * Classes the JSON serializer knows by name. Data names a class only by this name; a
 * reader rebuilds it only when the same name is registered on its side.
 *
 * @example
 * ```ts
 * const classes = new JsonClassRegistry();
 * classes.register("Money", Money, { toJSON: (m) => m.cents, fromJSON: (c) => new Money(c) });
 * const s = new JSONSerializer({ classes });
 * ```
 */
export class JsonClassRegistry {
  private readonly byName = new Map<string, JsonClassDefinition<any>>();
  private readonly byClass = new Map<unknown, string>();

  /**
   * Registers `cls` under `name`; registering the same pair again replaces its options.
   * @throws ConfigurationError when the name is taken by another class or is not a plain name
   */
  register<T extends object>(
    name: string,
    cls: abstract new (...args: any[]) => T,
    options: JsonClassOptions<T> = {},
  ): void {
    if (typeof name !== "string" || !NAME.test(name)) {
      throw new ConfigurationError(
        `Cannot register JSON class ${JSON.stringify(name)}: the name must start with a letter, "_" or "$" ` +
          'and hold only letters, digits, "_", "$", ".", ":" and "-". Pass a stable name such as "Money".',
      );
    }
    if (typeof cls !== "function") {
      throw new ConfigurationError(`Cannot register JSON class "${name}": \`cls\` must be a class, got ${typeof cls}.`);
    }
    const existing = this.byName.get(name);
    if (existing !== undefined && existing.cls !== cls) {
      throw new ConfigurationError(
        `Cannot register JSON class "${name}": the name is already registered for class ${existing.cls.name}. ` +
          "Choose another name, or unregister the old class first.",
      );
    }
    const previousName = this.byClass.get(cls);
    if (previousName !== undefined && previousName !== name) this.byName.delete(previousName);
    this.byName.set(name, { cls, toJSON: options.toJSON, fromJSON: options.fromJSON });
    this.byClass.set(cls, name);
  }

  /** Removes the class registered under `name`; returns whether there was one. */
  unregister(name: string): boolean {
    const existing = this.byName.get(name);
    if (existing === undefined) return false;
    this.byName.delete(name);
    this.byClass.delete(existing.cls);
    return true;
  }

  /** The name `cls` is registered under. */
  nameOf(cls: unknown): string | undefined {
    return this.byClass.get(cls);
  }

  /** The definition registered under `name`. */
  get(name: string): JsonClassDefinition<any> | undefined {
    return this.byName.get(name);
  }

  /** The registered names. */
  names(): string[] {
    return [...this.byName.keys()];
  }
}

/** The registry a `JSONSerializer` uses unless given its own (`options.classes`). */
export const defaultJsonClasses = new JsonClassRegistry();

/**
 * Registers a class with every JSON serializer that has no registry of its own, including
 * those rebuilt from a result blob. Register it in the process that writes and in every
 * process that reads.
 *
 * @example
 * ```ts
 * class Money { constructor(readonly cents: number, readonly currency: string) {} }
 * registerJsonClass("Money", Money);                       // own fields, prototype restored
 * registerJsonClass("Money", Money, {
 *   toJSON: (m) => ({ cents: m.cents, currency: m.currency }),
 *   fromJSON: (d: { cents: number; currency: string }) => new Money(d.cents, d.currency),
 * });
 * // {"$cairn":"class","name":"Money","value":{"cents":150,"currency":"EUR"}}
 * ```
 */
export function registerJsonClass<T extends object>(
  name: string,
  cls: abstract new (...args: any[]) => T,
  options: JsonClassOptions<T> = {},
): void {
  defaultJsonClasses.register(name, cls, options);
}

/**
 * Removes a class registered with {@link registerJsonClass}; returns whether there was one.
 *
 * @example
 * ```ts
 * unregisterJsonClass("Money"); // true
 * ```
 */
export function unregisterJsonClass(name: string): boolean {
  return defaultJsonClasses.unregister(name);
}
