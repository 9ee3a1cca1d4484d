/**
 * The web terminal page, /terminal/:resource[?login=]: checks what the WebSocket will check
 * (resource, login, live grant, step-up) so a refusal is a readable page, then hands over to
 * xterm.js (assets/terminal.js), which opens /terminal/:resource/ws on this same origin.
 */
import express from 'express';
import { StepUpRequired } from '../access/step-up.js';
import type { SshResourceConfig } from '../config/schema.js';
import { JitgateError } from '../shared/errors.js';
import { html, SafeHtml } from '../shared/html.js';
import type { TerminalService } from '../terminal/terminal-service.js';
import type { PortalDeps } from './deps.js';
import { timeCell } from './format.js';
import { sendPortalPage, viewerOf } from './layout.js';
import { signedInUser } from '../identity/signed-in.js';
import { assetTags, TERMINAL_CSP } from './terminal-assets.js';

export const TERMINAL_STYLE = `#terminal{background:#000;padding:4px;border-radius:6px;min-height:24rem}
.terminal-status{margin:.5rem 0}.terminal-status[data-state=ended]{color:#b00020;font-weight:600}
main{max-width:72rem}`;

const loginChooser = (resource: SshResourceConfig): SafeHtml =>
  html`<p>Choose the login for this session:</p>
    <ul>
      ${resource.logins.map(
        (login) =>
          html`<li>
            <a href="/terminal/${resource.id}?login=${encodeURIComponent(login)}">${login}</a>
          </li>`,
      )}
    </ul>`;

export function terminalPageRoutes(portal: PortalDeps, service: TerminalService): express.Router {
  const router = express.Router();

  router.get('/terminal/:resource', async (req, res) => {
    const user = signedInUser(req, res);
    if (!user) return;
    const resource = service.resource(req.params.resource);
    const title = `Terminal · ${resource.name ?? resource.id}`;
    const viewer = await viewerOf(portal, req, user);
    const asked = typeof req.query.login === 'string' ? req.query.login : undefined;
    let body: SafeHtml;
    try {
      const login = service.loginFor(resource, asked);
      const { grant } = await service.admit(user, resource, portal.assurance(req));
      body = html`<h1>${title}</h1>
        <p class="muted">
          ${login}@${resource.id} · access until ${timeCell(grant.endsAt)} ·
          ${resource.recording === 'required' ? 'this session is recorded' : 'recorded when possible'}
        </p>
        <p id="terminal-status" class="terminal-status" role="status" aria-live="polite"></p>
        <div
          id="terminal"
          data-mode="session"
          data-resource="${resource.id}"
          data-login="${login}"
        ></div>`;
    } catch (error) {
      if (error instanceof StepUpRequired)
        return res.redirect(303, `/mfa/verify?rd=${encodeURIComponent(req.originalUrl)}`);
      if (!(error instanceof JitgateError) || error.status >= 500) throw error;
      res.status(error.status);
      body = html`<h1>${title}</h1>
        ${
          error.code === 'login_required'
            ? loginChooser(resource)
            : html`<p class="error" id="terminal-refused" data-code="${error.code}">
                ${error.message}
              </p>`
        }
        <p><a href="/">Back to my access</a></p>`;
    }
    // TERMINAL_STYLE is a constant of this file, so it is trusted as is.
    const head = html`${assetTags(['xterm.css', 'xterm.js', 'addon-fit.js', 'terminal.js'])}
    ${new SafeHtml(`<style>${TERMINAL_STYLE}</style>`)}`;
    sendPortalPage(res, viewer, '', title, body, { head, csp: TERMINAL_CSP });
  });

  return router;
}
