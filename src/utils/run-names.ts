import { randomInt } from "node:crypto";

const ADJECTIVES = [
  "amber", "ancient", "bold", "brave", "bright", "calm", "clever", "cobalt", "cosmic", "crimson",
  "daring", "eager", "emerald", "fancy", "fearless", "gentle", "golden", "happy", "hidden", "humble",
  "icy", "jolly", "keen", "lively", "lucky", "mellow", "misty", "nimble", "noble", "olive",
  "proud", "quick", "quiet", "rapid", "rustic", "scarlet", "silent", "silver", "smart", "steady",
  "sunny", "swift", "tidy", "true", "vivid", "warm", "wild", "wise", "witty", "zesty",
];
const NOUNS = [
  "badger", "beaver", "bison", "cairn", "cheetah", "condor", "cougar", "coyote", "crane", "dingo",
  "dolphin", "eagle", "falcon", "ferret", "finch", "fox", "gazelle", "gecko", "heron", "ibis",
  "jackal", "jaguar", "kestrel", "koala", "lemur", "lion", "lynx", "marmot", "marten", "mole",
  "moose", "narwhal", "newt", "ocelot", "orca", "otter", "owl", "panda", "pelican", "puffin",
  "quail", "raven", "seal", "sparrow", "stoat", "swan", "tapir", "toucan", "walrus", "wombat",
];

/**
 * A readable random name for a flow run, e.g. `"amber-otter"`.
 */
export function generateRunName(): string {
  return `${ADJECTIVES[randomInt(ADJECTIVES.length)]}-${NOUNS[randomInt(NOUNS.length)]}`;
}
