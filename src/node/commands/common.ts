/**
 * What the commands share: the usage error (one line, exit status 2: cli.ts) and the option parsers. Apart from
 * cli.ts so that the commands do not import the program that registers them.
 */
export class UsageError extends Error {}

/** Collects repeated `--set k=v` options. */
export const collect = (v: string, prev: string[]) => [...prev, v];

/**
 * A numeric option's parser: a whole (or, with `fractional`, any) decimal number in [min, max], else one line
 * naming the option ("--timeout: "abc" is not a number of seconds from 1 to 3600"). NaN, 1e9 past the maximum,
 * "12abc" and "" are refused, never passed on.
 */
export function numberArg(option: string, min: number, max: number, what: string, fractional = false): (v: string) => number {
  return (v: string) => {
    const n = /^\s*[-+]?(\d+(\.\d*)?|\.\d+)(e[-+]?\d+)?\s*$/i.test(v) ? Number(v) : NaN;
    if (!Number.isFinite(n) || n < min || n > max || (!fractional && !Number.isInteger(n))) {
      throw new UsageError(`${option}: "${v}" is not ${what} from ${min.toLocaleString("en-US")} to ${max.toLocaleString("en-US")}`);
    }
    return n;
  };
}
