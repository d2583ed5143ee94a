// Waiting for something a person (or a script) can observe, never for a fixed time: `eventually`
// asks `probe` again until it answers, and fails with what it was waiting for. The generous
// default timeout is for slow machines; a passing run waits only as long as the condition takes.

/** The time a condition may take on a slow, loaded machine. */
export const PATIENCE_MS = 60_000;

/**
 * Calls `probe` until it returns something other than `undefined`, `null` or `false`, and returns
 * that; throws `Error("<what> within N ms")` (with the last answer) when `timeoutMs` passes first.
 */
export async function eventually(what, probe, { timeoutMs = PATIENCE_MS, everyMs = 100 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await probe();
    if (last !== undefined && last !== null && last !== false) return last;
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`${what} within ${timeoutMs} ms (last answer: ${JSON.stringify(last)})`);
}
