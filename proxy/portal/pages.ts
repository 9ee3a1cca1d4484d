/**
 * Server-rendered portal pages, usable without the extension: "My access", a page per resource
 * (where the gateway's "Request access" leads), "Approvals", "History", the forms behind them,
 * and the one script that keeps them live. The audit page (/audit) is mounted separately.
 */
import express from 'express';
import { actionRoutes } from './actions.js';
import { approvalsRoutes } from './approvals-page.js';
import { assetRoutes } from './assets.js';
import { accessReportPageRoutes } from './access-report-page.js';
import { breakGlassPageRoutes } from './break-glass-page.js';
import type { PortalDeps } from './deps.js';
import { historyRoutes } from './history-page.js';
import { myAccessRoutes } from './my-access-page.js';
import { trailPageRoutes } from './trail-pages.js';
import { securityRoutes } from './security-page.js';
import { resumeRoutes } from './step-up-resume.js';

export type { PortalDeps } from './deps.js';
export { PORTAL_CSP } from '../shared/html.js';

export function portalRoutes(deps: PortalDeps): express.Router {
  return express
    .Router()
    .use(assetRoutes())
    .use(myAccessRoutes(deps))
    .use(approvalsRoutes(deps), breakGlassPageRoutes(deps), accessReportPageRoutes(deps))
    .use(historyRoutes(deps))
    .use(trailPageRoutes(deps))
    .use(securityRoutes(deps), resumeRoutes(deps))
    .use(actionRoutes(deps));
}
