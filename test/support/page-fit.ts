/**
 * Whether a portal page fits the window it is shown in: the document is no wider than the
 * viewport, and nothing inside the page's card (`main`) sticks out of it, not even into a
 * scrolled-away part of a wide table (columns hidden behind a scroll are hidden all the same).
 */
import type { Page } from 'playwright-core';

export interface PageFit {
  /** `document.documentElement.scrollWidth`. */
  scrollWidth: number;
  /** Up to five elements that reach outside the card, described for the failure message. */
  overflowing: string[];
}

/**
 * Runs in the page. A string, not a function, because the test code is compiled without the DOM
 * types; it is plain browser JavaScript. Elements with no box (closed <details>, options,
 * hidden inputs) cannot overflow anything and are skipped; so are elements nobody can see:
 * invisible ones and ones wholly left of the page, where no scroll reaches (xterm.js measures
 * its font and takes keys in such elements, parked at left:-9999em). What an ancestor cuts off
 * with overflow hidden or clip is measured as far as it shows (asciinema-player's progress bar
 * slides its fill inside such a bar); what an ancestor scrolls away (auto, scroll) counts whole,
 * because columns behind a scroll are out of view all the same. The portal's own styles cut
 * nothing off.
 */
const MEASURE = `(() => {
  const card = document.querySelector('main');
  if (!card) return { scrollWidth: document.documentElement.scrollWidth, overflowing: ['no <main>'] };
  const box = card.getBoundingClientRect();
  const overflowing = [];
  for (const el of card.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.right <= 0 || getComputedStyle(el).visibility === 'hidden') continue;
    let left = r.left;
    let right = r.right;
    for (let up = el.parentElement; up && up !== card; up = up.parentElement) {
      const clip = getComputedStyle(up).overflowX;
      if (clip !== 'hidden' && clip !== 'clip') continue;
      const edge = up.getBoundingClientRect();
      left = Math.max(left, edge.left);
      right = Math.min(right, edge.right);
    }
    if (right <= left) continue;
    if (right <= box.right + 0.5 && left >= box.left - 0.5) continue;
    const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
    const text = (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
    overflowing.push(name + ' [' + Math.round(r.left) + '..' + Math.round(r.right) + ' in ' +
      Math.round(box.left) + '..' + Math.round(box.right) + '] "' + text + '"');
    if (overflowing.length === 5) break;
  }
  return { scrollWidth: document.documentElement.scrollWidth, overflowing };
})()`;

export function measureFit(page: Page): Promise<PageFit> {
  return page.evaluate<PageFit>(MEASURE);
}

/** The little of the DOM `tops` needs: the test code is compiled without the DOM types. */
interface BoxDocument {
  querySelector(
    selector: string,
  ): { getBoundingClientRect(): { y: number; height: number } } | null;
}

/**
 * The top and bottom of the first element each selector finds (null when none), measured in one
 * step: the portal's live script may swap the page's content at any moment, and measuring
 * element by element could see one version of the page and then another.
 */
export function verticalBoxes(
  page: Page,
  selectors: readonly string[],
): Promise<({ top: number; bottom: number } | null)[]> {
  return page.evaluate((list) => {
    const doc = (globalThis as unknown as { document: BoxDocument }).document;
    return list.map((selector) => {
      const box = doc.querySelector(selector)?.getBoundingClientRect();
      return box ? { top: box.y, bottom: box.y + box.height } : null;
    });
  }, selectors);
}

/** The window width every page must fit (issue 15: a 1,280-px window). */
export const FIT_WIDTH = 1280;

/**
 * Fails when the page shown is wider than the window or anything sticks out of its card. The
 * window must be FIT_WIDTH wide (`page.setViewportSize`), or the check says nothing.
 */
export async function assertFits(page: Page, label: string): Promise<void> {
  const width = page.viewportSize()?.width;
  if (width !== FIT_WIDTH) throw new Error(`${label}: the window is ${width} px, not ${FIT_WIDTH}`);
  const fit = await measureFit(page);
  if (fit.scrollWidth > FIT_WIDTH)
    throw new Error(`${label} is ${fit.scrollWidth} px wide in a ${FIT_WIDTH}-px window`);
  if (fit.overflowing.length > 0)
    throw new Error(`${label}: elements outside the card: ${fit.overflowing.join('; ')}`);
}
