/**
 * In-process notifications of access changes, for the live event stream and webhooks.
 * Listeners must not throw; one that does is logged and skipped, never stops the others.
 */
import type { GrantRecord } from '../store/types.js';
import type { GrantEnd } from './access-state.js';
import type { BreakGlassRecord } from './break-glass-record.js';
import type { AccessRequest } from './request-record.js';

// How a grant ended is access-state's word; listeners of events (credentials) read it here too.
export type { GrantEnd };

export type AccessEvent = (
  | { type: 'request.created'; request: AccessRequest }
  | { type: 'request.updated'; request: AccessRequest }
  | { type: 'grant.started'; grant: GrantRecord }
  | { type: 'grant.ended'; grant: GrantRecord; end: GrantEnd }
  /** A break-glass grant began, was reviewed, or its review became overdue. */
  | { type: 'break_glass'; stage: BreakGlassStage; record: BreakGlassRecord }
) & {
  /**
   * True when another replica made the change and this one only heard of it (for its event
   * streams). Work that must happen once (webhooks, dropping credentials) skips these: the
   * replica that made the change does it.
   */
  remote?: true;
};

export type BreakGlassStage = 'started' | 'reviewed' | 'overdue';

export type AccessListener = (event: AccessEvent) => void;

export class AccessEvents {
  private readonly listeners = new Set<AccessListener>();

  constructor(private readonly onListenerError: (error: unknown) => void = () => undefined) {}

  on(listener: AccessListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: AccessEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  get listenerCount(): number {
    return this.listeners.size;
  }
}
