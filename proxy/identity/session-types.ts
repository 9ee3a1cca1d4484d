/** What jitgate keeps in an express-session. */
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
    /** Open logins by OIDC state; several tabs may log in at once. */
    logins?: Record<string, LoginTransaction>;
    /** Synchronizer token every form of jitgate's pages carries as `_csrf` (csrf.ts). */
    csrf?: string;
  }
}
