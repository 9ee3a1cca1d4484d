/**
 * Every page jitgate shows people fits a 1,280-pixel window, in Chromium: the document is no
 * wider than the window and nothing sticks out of the page's card, including table columns
 * pushed behind a horizontal scroll. The pages are filled the way they look in use: a pending
 * request with a long reason, a vendor's grant with a long unbroken path in its trail, an audit
 * log with data. Each person signs in once (one Chromium, cookies cleared between people) and
 * visits their pages: the portal's, the sign-in, sign-out and second-factor pages, the CLI's
 * and the extension's consent pages, and the error pages (the portal's 400/403/404 page, the
 * gateway's "no access" 403 and "unreachable" 502 on an app's own host).
 *
 * Measured elsewhere, where what they show exists: the web terminal, watching a live session,
 * playing a recording back and the Sessions list with rows (test/e2e/terminal.test.ts, with a
 * real sshd), and the passkey step-up (test/e2e/webauthn.test.ts, with a virtual
 * authenticator). Not measured: `/mfa/resume` and the gateway's `/.jitgate/open`, which leave at
 * once (an auto-submitted form, a zero-second refresh) and are one line in the same frames
 * measured here; the demo IdP's own login form (in a deployment the IdP's page, not jitgate's);
 * the extension's popup, which is sized by the browser's popup, not a window.
 *
 * With JITGATE_SCREENSHOTS=dir set, the main pages are saved there as PNGs, as the window shows
 * them (docs/portal.md shows them from docs/screenshots).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from '../support/guarded-test.js';
import type { Page } from 'playwright-core';
import { subjectFromUser } from '../../proxy/access/subject.js';
import { signInInBrowser } from '../support/browser-login.js';
import { launchChromium, type TestChromium } from '../support/browser.js';
import { demoUserId, startTestDemo, type TestDemo } from '../support/demo.js';
import { assertFits, FIT_WIDTH, verticalBoxes } from '../support/page-fit.js';

const WIDTH = FIT_WIDTH;
const LONG_REASON =
  'Month-end payroll run for the Berlin and Lisbon offices, including the corrections ' +
  'finance asked for in ticket PAY-20417 (overtime, two leavers, one new starter).';
const LONG_PATH = `/headers?view=${'x'.repeat(180)}`;
/** An app that is down: its host answers with the gateway's 502 page. */
const LEDGER = {
  id: 'ledger',
  kind: 'web',
  name: 'Ledger',
  description: 'The finance ledger.',
  host: 'ledger.localhost',
  upstream: 'http://127.0.0.1:9',
} as const;
/** A consent link as the CLI and the extension make it, with the longest values they may send. */
const consent = (redirectUri: string) =>
  new URLSearchParams({
    redirect_uri: redirectUri,
    state: 's'.repeat(200),
    code_challenge: 'c'.repeat(43),
    code_challenge_method: 'S256',
  }).toString();
const CLI_CALLBACK = `http://127.0.0.1:53682/${'callback'.repeat(22)}`.slice(0, 200);
const EXTENSION_CALLBACK = `chrome-extension://${'a'.repeat(32)}/callback.html`;

interface Visit {
  /** What the test is called, when the path is too long to read as a name. */
  name?: string;
  /** A file name for the screenshot; undefined for pages not worth a picture. */
  shot?: string;
  /** `:grant` stands for vic's grant id, known once the demo runs. */
  path: string;
  /** The app host the path is on (the gateway's pages), instead of the portal. */
  host?: 'payroll' | 'ledger';
  /** The status the page answers with (200 unless it is an error page). */
  status?: number;
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
    demo = await startTestDemo({
      configure: (input) => ({ ...input, resources: [...(input.resources ?? []), LEDGER] }),
    });
    chromium = await launchChromium();
    page = await chromium.context.newPage();
    await page.setViewportSize({ width: WIDTH, height: 900 });

    // vic, a vendor, uses payroll under a grant: the trail gets a long unbroken path.
    const vic = await demo.login('vic');
    const grant = await demo.jitgate.grants.grant({
      user: demoUserId('vic'), // a vendor is named by user id
      resource: 'payroll',
      durationMs: 60 * 60_000,
      actor: 'test',
      reason: LONG_REASON,
    });
    grantId = grant.id;
    await vic.navigate(`${demo.payrollOrigin}/`);
    await vic.navigate(`${demo.payrollOrigin}${LONG_PATH}`);
    await demo.jitgate.trail.flush();

    // alice may use the ledger, which is down: its host answers with the gateway's 502 page.
    await demo.login('alice');
    await demo.jitgate.grants.grant({
      user: 'alice',
      resource: 'ledger',
      durationMs: 60 * 60_000,
      actor: 'test',
      reason: LONG_REASON,
      force: true, // no policy covers the test's down ledger: an admin grant outside policy
    });

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
    const origin = visit.host ? demo.payrollOrigin.replace('payroll', visit.host) : demo.url;
    const response = await page.goto(`${origin}${path}`);
    assert.equal(response?.status(), visit.status ?? 200, `${path} answers ${visit.status ?? 200}`);
    // The page asked for, not one a redirect led to instead (a sign-in, a step-up).
    const landed = new URL(page.url()).pathname;
    assert.equal(landed, new URL(path, origin).pathname, `${path} is shown, not ${landed}`);
    const shots = process.env.JITGATE_SCREENSHOTS;
    if (shots && visit.shot) await page.screenshot({ path: `${shots}/${visit.shot}.png` });
    await assertFits(page, path);
    await visit.layout?.(page);
  }

  function person(username: string | undefined, visits: Visit[]) {
    void describe(username ?? 'signed out', () => {
      before(async () => {
        await chromium.context.clearCookies();
        if (username) await signInInBrowser(page, demo.url, username);
      });
      for (const visit of visits) void it(visit.name ?? visit.path, () => check(visit));
    });
  }

  person(undefined, [{ path: '/' }, { path: '/auth/login' }]);
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
    { path: '/mfa/verify?rd=%2F' },
    { path: '/mfa/totp/enroll?rd=%2F' },
    { path: '/mfa/webauthn/enroll?rd=%2F' },
    { name: 'the CLI consent page, longest link', path: `/cli/authorize?${consent(CLI_CALLBACK)}` },
    {
      name: 'the extension consent page',
      path: `/extension/connect?${consent(EXTENSION_CALLBACK)}`,
    },
    { path: '/resources/no-such-resource', status: 404 },
    { path: '/audit', status: 403 },
    { path: '/cli/authorize?redirect_uri=nope', status: 400 },
    { name: "an app's host without a grant (403)", path: '/', host: 'payroll', status: 403 },
    {
      name: "an app's host when the app is down (502)",
      path: LONG_PATH,
      host: 'ledger',
      status: 502,
    },
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
    { path: '/audit?person=alice&resource=payroll' },
    { path: '/audit?from=soon', status: 400 },
    { shot: 'trails', path: '/trail' },
    { shot: 'grant-trail', path: '/grants/:grant/trail' },
    { shot: 'sessions', path: '/sessions' },
    { path: '/sessions?from=soon' },
    { path: '/trail?status=nope', status: 400 },
    { path: '/history' },
    { path: '/auth/logout' },
  ]);
});
