/**
 * The signal that cuts one upstream exchange. undici takes an EventEmitter as a request's signal
 * (it reads `aborted` and listens once for 'abort'), which costs a fraction of an AbortController
 * per request: a profile of the proxy under load put AbortController/AbortSignal creation and
 * their EventTarget listeners at ~3% of its CPU, this at a few tenths of a percent.
 */
import { EventEmitter } from 'node:events';

export class CutSignal extends EventEmitter {
  aborted = false;
  /** Why it was cut: what undici rejects the exchange with. */
  reason: Error | undefined;

  cut(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = new Error('exchange cut');
    this.emit('abort');
  }
}
