/**
 * Every portal page fits a 1,280-pixel window, in Chromium: the document is no wider than the
 * window and nothing sticks out of the page's card, including table columns pushed behind a
 * horizontal scroll. The pages are filled the way they look in use: a pending request with a
 * long reason, a vendor's grant with a long unbroken path in its trail, an audit log with data.
 * Each person signs in once (one Chromium, cookies cleared between people) and visits their
 * pages. With JITGATE_SCREENSHOTS=dir set, the main pages are saved there as PNGs, as the window
 * shows them (docs/portal.md shows them from docs/screenshots).
 */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { Page } from 'playwright-core';
import { subjectFromUser } from '../../proxy/access/subject.js';
import { signInInBrowser } from '../support/browser-login.js';
import { launchChromium, type TestChromium } from '../support/browser.js';
import { startTestDemo, type TestDemo } from '../support/demo.js';
import { after, before, it } from '../support/e2e-test.js';
import { measureFit, verticalBoxes } from '../support/page-fit.js';

const WIDTH = 1280;
const LONG_REASON =
  'Month-end payroll run for the Berlin and Lisbon offices, including the corrections ' +
  'finance asked for in ticket PAY-20417 (overtime, two leavers, one new starter).';
const LONG_PATH = `/headers?view=${'x'.repeat(180)}`;

interface Visit {
  /** A file name for the screenshot; undefined for pages not worth a picture. */
  shot?: string;
  /** `:grant` stands for vic's grant id, known once the demo runs. */
  path: string;
  /** More to check about the page's layout. */
  layout?: (page: Page) => Promise<void>;
}

/** Each control sits below the one before it: a block of labelled fields, not one crowded line. */
async function stacked(page: Page, selectors: string[]) {
  const boxes = await verticalBoxes(page, selectors);
  let above = -Infinity;
  selectors.forEach((selector, i) => {
    const box = boxes[i];
    assert.ok(box, `${selector} is shown`);
    assert.ok(box.top >= above, `${selector} starts below the control before it`);
    above = box.bottom;
  });
}

void describe(`every portal page fits a ${WIDTH}-px window`, () => {
  let demo: TestDemo;
  let chromium: TestChromium;
  let page: Page;
  let grantId = '';

  before(async () => {
    demo = await startTestDemo();
    chromium = await launchChromium();
    page = await chromium.context.newPage();
    await page.setViewportSize({ width: WIDTH, height: 900 });

    // vic, a vendor, uses payroll under a grant: the trail gets a long unbroken path.
    const vic = await demo.login('vic');
    const grant = await demo.jitgate.grants.grant({
      user: 'vic',
      resource: 'payroll',
      durationMs: 60 * 60_000,
      actor: 'test',
      reason: LONG_REASON,
    });
    grantId = grant.id;
    await vic.navigate(`${demo.payrollOrigin}/`);
    await vic.navigate(`${demo.payrollOrigin}${LONG_PATH}`);
    await demo.jitgate.trail.flush();

    // alice asks for payroll with a long reason: bob's queue and her own page show it.
    await demo.login('alice');
    const [alice] = await demo.jitgate.store.users.findByName('alice');
    assert.ok(alice, 'alice signed in');
    await demo.jitgate.requests.create(
      subjectFromUser(alice),
      {
        resourceId: 'payroll',
        durationMs: 2 * 3_600_000,
        reason: LONG_REASON,
        ticket: null,
        startAt: null,
      },
      { mfaFresh: true },
    );
  });

  after(async () => {
    await chromium?.close();
    await demo?.stop();
  });

  async function check(visit: Visit) {
    const path = visit.path.replace(':grant', grantId);
    const response = await page.goto(`${demo.url}${path}`);
    assert.equal(response?.status(), 200, `${path} answers 200`);
    const fit = await measureFit(page);
    const shots = process.env.JITGATE_SCREENSHOTS;
    if (shots && visit.shot) await page.screenshot({ path: `${shots}/${visit.shot}.png` });
    assert.ok(
      fit.scrollWidth <= WIDTH,
      `${path} is ${fit.scrollWidth} px wide in a ${WIDTH}-px window`,
    );
    assert.deepEqual(fit.overflowing, [], `${path}: elements outside the card`);
    await visit.layout?.(page);
  }

  function person(username: string | undefined, visits: Visit[]) {
    void describe(username ?? 'signed out', () => {
      before(async () => {
        await chromium.context.clearCookies();
        if (username) await signInInBrowser(page, demo.url, username);
      });
      for (const visit of visits) void it(visit.path, () => check(visit));
    });
  }

  person(undefined, [{ path: '/' }]);
  person('alice', [
    {
      shot: 'my-access',
      path: '/',
      layout: async (page) => {
        assert.equal(await page.locator('main form[action="/requests"]').count(), 1, 'one form');
        await stacked(page, ['#my-access', '#request-form select[name="resource"]']);
        await stacked(page, ['#request-form select[name="duration"]', '#request-form textarea']);
      },
    },
    { shot: 'resource', path: '/resources/payroll' },
    { shot: 'history', path: '/history' },
    { path: '/mfa' },
  ]);
  person('bob', [
    {
      shot: 'approvals',
      path: '/approvals',
      layout: async (page) => {
        const item = '#queue .queue-item';
        await stacked(page, [
          `${item} form[data-form^="approve-"] select[name="duration"]`,
          `${item} form[data-form^="approve-"] input[name="comment"]`,
          `${item} form[data-form^="approve-"] button`,
        ]);
        await stacked(page, [
          `${item} form[data-form^="deny-"] input[name="comment"]`,
          `${item} form[data-form^="deny-"] button`,
        ]);
      },
    },
    { path: '/' },
  ]);
  person('carol', [
    { shot: 'audit', path: '/audit' },
    { path: '/audit?code=grant.started' },
    { shot: 'trails', path: '/trail' },
    { shot: 'grant-trail', path: '/grants/:grant/trail' },
    { shot: 'sessions', path: '/sessions' },
    { path: '/history' },
  ]);
});
