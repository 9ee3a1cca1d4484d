/**
 * The frame of every portal page for a signed-in person: navigation (Approvals with a count and
 * Audit only for those who may use them), the flash message, the live-update script. The CSP
 * lets the pages load only jitgate's own script and talk only to jitgate (the event stream).
 */
import type { Request, Response } from 'express';
import { subjectOf, type SessionUser } from '../identity/session-user.js';
import { html, page, PORTAL_CSP, SafeHtml } from '../shared/html.js';
import { scriptUrl } from './assets.js';
import { csrfToken } from '../identity/csrf.js';
import type { PortalDeps } from './deps.js';
import { PORTAL_STYLE } from './portal-style.js';
import { takeFlash, type Flash } from './session.js';

/** Who is looking, and what the frame shows them. */
export interface Viewer {
  user: SessionUser;
  csrf: string;
  flash: Flash | undefined;
  /** Requests waiting for this person; undefined when they see no Approvals page. */
  waiting: number | undefined;
  auditor: boolean;
}

export async function viewerOf(deps: PortalDeps, req: Request, user: SessionUser) {
  const approver = deps.authorization.maySeeApprovals(user);
  const waiting = approver ? (await deps.queries.approvable(subjectOf(user))).length : undefined;
  const viewer: Viewer = {
    user,
    csrf: csrfToken(req),
    flash: takeFlash(req),
    waiting,
    auditor: deps.authorization.isAuditor(user),
  };
  return viewer;
}

type Section =
  | '/'
  | '/approvals'
  | '/history'
  | '/audit'
  | '/trail'
  | '/sessions'
  | '/reports/access'
  | '/mfa'
  | '';

function nav(viewer: Viewer, current: Section): SafeHtml {
  const link = (href: Section, label: string | SafeHtml) => {
    const attributes =
      href === current ? html`href="${href}" aria-current="page"` : html`href="${href}"`;
    return html`<a ${attributes}>${label}</a>`;
  };
  const badge =
    viewer.waiting === undefined || viewer.waiting === 0
      ? html``
      : html` <span class="badge" id="approvals-count">${viewer.waiting}</span>`;
  return html`<nav class="portal" aria-label="jitgate">
    ${link('/', 'My access')}
    ${viewer.waiting === undefined ? html`` : link('/approvals', html`Approvals${badge}`)}
    ${link('/history', 'History')}
    ${
      viewer.auditor
        ? [
            link('/audit', 'Audit'),
            link('/trail', 'Trails'),
            link('/reports/access', 'Access review'),
          ]
        : html``
    }
    ${viewer.auditor ? link('/sessions', 'Sessions') : html``} ${link('/mfa', 'Security')}
    <span class="me muted">${viewer.user.username}</span>
    <a href="/auth/logout">Sign out</a>
  </nav>`;
}

function flashBox(flash: Flash | undefined): SafeHtml {
  if (!flash) return html`<div id="flash"></div>`;
  const details = flash.details?.length
    ? html`<ul>
        ${flash.details.map((d) => html`<li>${d}</li>`)}
      </ul>`
    : html``;
  return html`<div
    id="flash"
    class="flash ${flash.kind}"
    role="${flash.kind === 'error' ? 'alert' : 'status'}"
  >
    ${flash.text} ${details}
  </div>`;
}

/** Sends a full portal page: the frame around `body`, under the portal's CSP. */
export function sendPortalPage(
  res: Response,
  viewer: Viewer,
  current: Section,
  title: string,
  body: SafeHtml,
  /**
   * Pages with their own scripts and styles (terminal, playback) bring them and their CSP, and
   * go without the live-update script, whose refresh would replace the page under them.
   */
  extra: { head?: SafeHtml; csp?: string; status?: number; wide?: boolean } = {},
): void {
  // PORTAL_STYLE is a constant of ours, so it is trusted as is.
  const live = extra.head ? html`` : html`<script src="${scriptUrl()}" defer></script>`;
  const head = html`${new SafeHtml(`<style>${PORTAL_STYLE}</style>`)} ${live}${extra.head ?? html``}`;
  // Tables with many columns (audit, trails) get a wider card; it still fits a 1,280-px window.
  const mainClass = extra.wide ? 'wide' : '';
  res
    .status(extra.status ?? 200)
    .setHeader('content-security-policy', extra.csp ?? PORTAL_CSP)
    .setHeader('cache-control', 'no-store')
    .type('html')
    .send(
      page(title, html`${nav(viewer, current)}${flashBox(viewer.flash)}${body}`, head, mainClass),
    );
}
