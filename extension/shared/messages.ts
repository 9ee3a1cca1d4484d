/**
 * Messages between the extension's contexts, as typed commands. Pages (popup, options, callback)
 * and content scripts speak different sets: the worker parses each message with the parser for
 * the kind of sender it came from, so a content script cannot even name a page command.
 * Every reply is `{ ok: true, ... }` or `{ ok: false, error, code? }`.
 */

export type PageCommand =
  | { command: 'state.refresh' }
  | { command: 'keepalive' }
  | { command: 'auth.begin'; jitgateUrl: string }
  | { command: 'auth.complete'; code: string; state: string }
  | { command: 'auth.signOut' }
  | {
      command: 'access.request';
      resource: string;
      reason: string;
      duration: string;
      ticket: string;
    }
  | {
      command: 'access.breakGlass';
      resource: string;
      incident: string;
      reason: string;
      duration: string;
    }
  | { command: 'access.release'; grant: string }
  | { command: 'access.open'; resource: string }
  | { command: 'approval.decide'; request: string; decision: 'approve' | 'deny'; comment: string };

export type ContentCommand =
  | { command: 'content.denied'; resource: string }
  | { command: 'content.request'; resource: string; reason: string; duration: string }
  | { command: 'content.login' }
  | { command: 'content.open' };

export interface Failure {
  ok: false;
  error: string;
  code?: string;
  stepUpUrl?: string;
}

/** How an emergency access asked again after its step-up sign-in went (the callback shows it). */
export interface BreakGlassOutcome {
  resource: string;
  ok: boolean;
  message: string;
}

export type Reply<T = object> = ({ ok: true } & T) | Failure;

/** What a content script on a 403 page learns about its resource (nothing secret). */
export interface DeniedInfo {
  name: string;
  state: string;
  requestable: boolean;
  requireReason: boolean;
  maxDurationMs: number;
}

/** What the login page's content script gets: where to put it, never shown to the person. */
export interface LoginFill {
  fill: boolean;
  selectors?: { username: string; password: string; submit: string };
  username?: string;
  password?: string;
}

type Fields = Record<string, unknown>;

const text = (value: unknown, max: number): string | undefined =>
  typeof value === 'string' && value.length <= max ? value : undefined;
const id = (value: unknown, prefix: string): string | undefined =>
  typeof value === 'string' && new RegExp(`^${prefix}_[A-Za-z0-9_-]{8,64}$`).test(value)
    ? value
    : undefined;
const slug = (value: unknown) =>
  typeof value === 'string' && /^[a-z][a-z0-9-]{0,62}$/.test(value) ? value : undefined;

function fieldsOf(message: unknown): Fields | undefined {
  return typeof message === 'object' && message !== null && !Array.isArray(message)
    ? (message as Fields)
    : undefined;
}

/** A command from an extension page, or undefined when the message is not a valid one. */
export function parsePageCommand(message: unknown): PageCommand | undefined {
  const m = fieldsOf(message);
  switch (m?.command) {
    case 'state.refresh':
    case 'keepalive':
    case 'auth.signOut':
      return { command: m.command };
    case 'auth.begin': {
      const jitgateUrl = text(m.jitgateUrl, 300);
      return jitgateUrl ? { command: m.command, jitgateUrl } : undefined;
    }
    case 'auth.complete': {
      const code = text(m.code, 200);
      const state = text(m.state, 200);
      return code && state ? { command: m.command, code, state } : undefined;
    }
    case 'access.request': {
      const resource = slug(m.resource);
      const reason = text(m.reason, 1000) ?? '';
      const duration = text(m.duration, 32);
      const ticket = text(m.ticket ?? '', 200);
      if (!resource || !duration || ticket === undefined) return undefined;
      return { command: m.command, resource, reason, duration, ticket };
    }
    case 'access.breakGlass': {
      // Only shapes: whether the incident, reason and duration will do is the server's call.
      const resource = slug(m.resource);
      const incident = text(m.incident ?? '', 200);
      const reason = text(m.reason ?? '', 1000);
      const duration = text(m.duration, 32);
      if (!resource || incident === undefined || reason === undefined || !duration)
        return undefined;
      return { command: m.command, resource, incident, reason, duration };
    }
    case 'access.release': {
      const grant = id(m.grant, 'grt');
      return grant ? { command: m.command, grant } : undefined;
    }
    case 'access.open': {
      const resource = slug(m.resource);
      return resource ? { command: m.command, resource } : undefined;
    }
    case 'approval.decide': {
      const request = id(m.request, 'req');
      const decision = m.decision === 'approve' || m.decision === 'deny' ? m.decision : undefined;
      const comment = text(m.comment ?? '', 1000);
      if (!request || !decision || comment === undefined) return undefined;
      return { command: m.command, request, decision, comment };
    }
    default:
      return undefined;
  }
}

/** A command from a content script, or undefined. */
export function parseContentCommand(message: unknown): ContentCommand | undefined {
  const m = fieldsOf(message);
  switch (m?.command) {
    case 'content.denied': {
      const resource = slug(m.resource);
      return resource ? { command: m.command, resource } : undefined;
    }
    case 'content.request': {
      const resource = slug(m.resource);
      const reason = text(m.reason, 1000) ?? '';
      const duration = text(m.duration, 32);
      return resource && duration ? { command: m.command, resource, reason, duration } : undefined;
    }
    case 'content.login':
    case 'content.open':
      return { command: m.command };
    default:
      return undefined;
  }
}

export const failure = (error: string, code?: string): Failure =>
  code ? { ok: false, error, code } : { ok: false, error };
