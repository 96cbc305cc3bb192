/**
 * The run's caps: what bounds a run whatever its scenario says (docs/limits.md). A scenario's own `stepBudget` may
 * only lower them; the CLI raises them with --max-steps and --timeout, up to the maxima here. A run stopped by a
 * cap ends with status TIMEOUT and says whether the program was blocked (a call that does not return) or looping
 * (it kept executing instructions).
 */

/** Instructions a run may execute unless the caller raises it (the default `stepBudget` too). */
export const DEFAULT_MAX_STEPS = 100_000_000;
/** The most --max-steps may raise that to (and the most a scenario's `stepBudget` may ask for). */
export const MAX_STEPS = 10_000_000_000;
/** Wall time the model may spend on one run unless the caller raises it, ms. */
export const DEFAULT_MODEL_TIMEOUT_MS = 60_000;
/** The most --timeout may raise a run's wall time to, ms (the native host takes the same maximum, 3600 s). */
export const MAX_TIMEOUT_MS = 3_600_000;
/** The least, ms. */
export const MIN_TIMEOUT_MS = 1_000;

/** Clamps a requested step cap into [1, MAX_STEPS]; undefined gives the default. */
export function stepCap(requested?: number): number {
  if (requested === undefined || !Number.isFinite(requested)) return DEFAULT_MAX_STEPS;
  return Math.max(1, Math.min(MAX_STEPS, Math.floor(requested)));
}

/** Clamps a requested wall-time cap into [MIN_TIMEOUT_MS, MAX_TIMEOUT_MS]; undefined gives `def`. */
export function timeCap(requested: number | undefined, def: number): number {
  if (requested === undefined || !Number.isFinite(requested)) return def;
  return Math.max(MIN_TIMEOUT_MS, Math.min(MAX_TIMEOUT_MS, Math.floor(requested)));
}
