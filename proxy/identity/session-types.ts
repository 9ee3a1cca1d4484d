/** What jitgate keeps in an express-session, and a login transaction (kept in a cookie). */
import type { LoginChecks } from './oidc-client.js';
import type { SessionUser } from './session-user.js';

export interface LoginTransaction {
  idp: string;
  checks: LoginChecks;
  returnTo: string;
  startedAt: number;
}

declare module 'express-session' {
  interface SessionData {
    user?: SessionUser;
    /** Synchronizer token every form of jitgate's pages carries as `_csrf` (csrf.ts). */
    csrf?: string;
  }
}
