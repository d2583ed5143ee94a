// Accessibility check with axe-core: `await expectAccessible(page, 'sign-in')` throws an Error
// listing every serious or critical WCAG 2.x A/AA violation on the page as it is now.
//
// The server's Content-Security-Policy (`script-src 'self'`) refuses `page.addScriptTag` (an
// inline script), and the check must not weaken the real server nor need a `bypassCSP` context.
// So the axe source goes in through `page.evaluate` of the source string: the DevTools protocol
// evaluates it, which the page's CSP does not govern. The page keeps its real CSP throughout.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const BLOCKING = new Set(['serious', 'critical']);
// Rules axe marks `reviewOnFail`: a failure of theirs is reported as "incomplete" (needs review)
// rather than as a violation. Two elements with an id that ARIA refers to (`aria-labelledby`,
// `aria-describedby`) is a real fault whatever a reviewer says, so it counts as a violation here.
const FAILED_WHEN_INCOMPLETE = new Set(['duplicate-id-aria']);

/** Runs axe-core on `page` as it is now; throws when a serious or critical violation is found. */
export async function expectAccessible(page, label = new URL(page.url()).pathname) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.evaluate(`${axeSource}\n;void 0`);
  }
  const violations = await page.evaluate(async ({ tags, failedWhenIncomplete }) => {
    const results = await window.axe.run(document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations', 'incomplete'],
    });
    const failed = results.incomplete.filter((result) => failedWhenIncomplete.includes(result.id));
    return [...results.violations, ...failed].map(({ id, impact, help, helpUrl, nodes }) => ({
      id, impact, help, helpUrl, targets: nodes.map((node) => node.target.join(' ')),
    }));
  }, { tags: TAGS, failedWhenIncomplete: [...FAILED_WHEN_INCOMPLETE] });
  const blocking = violations.filter((violation) => BLOCKING.has(violation.impact));
  if (blocking.length === 0) return;
  const lines = blocking.map((v) => `- ${v.id} (${v.impact}): ${v.help}\n    ${v.targets.join('\n    ')}\n    ${v.helpUrl}`);
  throw new Error(`${label}: ${blocking.length} serious/critical accessibility violation(s)\n${lines.join('\n')}`);
}

/**
 * Presses Tab from the top of `page` through every control to the end of the page, and throws
 * unless each one shows a focus indicator (an outline or a box shadow, while `:focus-visible`)
 * and the end is reached (no keyboard trap). Afterwards the focus is back where it was, so a
 * journey goes on as if nothing happened. `max` bounds the presses.
 */
export async function expectVisibleFocus(page, label = new URL(page.url()).pathname, { max = 400 } = {}) {
  const restore = await page.evaluateHandle(() => document.activeElement);
  await fromTheTop(page);
  const missing = [];
  let stops = 0;
  for (; stops < max; stops += 1) {
    await page.keyboard.press('Tab');
    const focus = await focusIndicator(page);
    if (focus.end) break;
    if (!focus.ok && !missing.includes(focus.what)) missing.push(focus.what);
  }
  await restore.evaluate((element) => {
    if (element && element !== document.body && element.isConnected) element.focus({ preventScroll: true });
  });
  await restore.dispose();
  const problems = missing.map((what) => `- no visible focus indicator on ${what}`);
  if (stops === max) problems.push(`- the Tab key did not reach the end of the page in ${max} presses (a keyboard trap?)`);
  if (problems.length > 0) throw new Error(`${label}: keyboard focus\n${problems.join('\n')}`);
}

/** Moves the sequential focus starting point to the top of the document, focusing nothing. */
async function fromTheTop(page) {
  await page.evaluate(() => {
    const body = document.body;
    const had = body.getAttribute('tabindex');
    body.setAttribute('tabindex', '-1');
    body.focus({ preventScroll: true });
    body.blur();
    if (had === null) body.removeAttribute('tabindex');
    else body.setAttribute('tabindex', had);
  });
}

/**
 * What has the keyboard focus and whether it shows: `end` once the focus has left the document
 * (past the last control); `ok` when an outline or box shadow is drawn while `:focus-visible`.
 */
export async function focusIndicator(page) {
  return page.evaluate(() => {
    const element = document.activeElement;
    if (!element || element === document.body) return { end: true, ok: true, what: 'the document' };
    const style = getComputedStyle(element);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    const shadow = Boolean(style.boxShadow) && style.boxShadow !== 'none';
    // Keyboard focus shows as `:focus-visible`; on an inner part of a built-in control (the
    // calendar button of a date input) the control itself is not `:focus`, only `:focus-within`.
    const keyboard = element.matches(':focus-visible') || (!element.matches(':focus') && element.matches(':focus-within'));
    const name = (element.getAttribute('aria-label') || element.textContent || element.getAttribute('name') || '').trim().slice(0, 40);
    const what = `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''} "${name}"`;
    return { end: false, ok: keyboard && (outline || shadow), what };
  });
}
