/**
 * One forwarded exchange as undici sees it: its dispatch handler, writing the app's answer
 * straight into the client's response. Leaner than undici's `stream()`, which costs a promise, an
 * async resource, an EventEmitter abort signal and end-of-stream listeners per request: ~10% of
 * a proxied request's CPU (`npm run bench`).
 *
 * Whatever ends the exchange ends it once: the app's answer written (complete), the app failing,
 * the client leaving, or a cut; `done` hears which.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import { bodiless, countResponse, type ExchangeBytes } from './exchange-bytes.js';
import type { ForwardCallbacks } from './forward.js';

type Controller = Dispatcher.DispatchController;

export class ForwardHandler implements Dispatcher.DispatchHandler {
  private controller: Controller | undefined;
  /** Why the exchange is being cut, before undici handed over its controller. */
  private cutReason: Error | undefined;
  /** The app's failure after its answer began, reported once the client's side has closed. */
  private failure: Error | undefined;
  private upstreamOver = false;
  /** The client's answer was ended with its headers: its status or method allows no body. */
  private answered = false;
  private over = false;
  private readonly onClose = () => this.closed();
  private paused = false;
  private readonly onDrain = () => {
    this.paused = false;
    this.controller?.resume();
  };

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly bytes: ExchangeBytes,
    private readonly callbacks: ForwardCallbacks,
  ) {
    res.once('close', this.onClose);
  }

  /** Grant ended: the app's side is aborted, the client's connection destroyed. */
  cut(reason: Error): void {
    // The client's side first: the app's failure that the abort reports must find it destroyed,
    // or it would be answered with a 502 page instead of a cut connection.
    this.cutReason ??= reason;
    this.res.destroy();
    this.abortUpstream(reason);
  }

  onRequestStart(controller: Controller): void {
    this.controller = controller;
    if (this.cutReason) controller.abort(this.cutReason);
  }

  onResponseStart(
    controller: Controller,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    if (statusCode < 200 || this.over) return; // 1xx: the final answer follows
    const { req, res, bytes } = this;
    countResponse(req, res, statusCode, headers, bytes);
    try {
      res.writeHead(statusCode, this.callbacks.responseHeaders(headers));
    } catch (error) {
      // Headers Node refuses to send (invalid characters): the app's answer cannot be relayed.
      controller.abort(error as Error);
      return;
    }
    // Nothing can follow these headers (HEAD, 204, 304): the answer is whole, and is ended now
    // rather than at undici's end of it. undici 7 skips the body only of a HEAD answer: a
    // Content-Length on a 204 or 304 (RFC 9110 §8.6 allows it on a 304) has it wait for a body
    // that never comes, until the app closes the connection and undici reports a length
    // mismatch. Waiting for that, the client got no answer at all (Node sends the headers only
    // with the first write or the end, and the failure destroyed the response).
    if (bodiless(req.method, statusCode)) {
      this.answered = true;
      res.end();
    }
  }

  onResponseData(controller: Controller, chunk: Buffer): void {
    if (this.over || this.answered) return;
    if (!this.res.write(chunk) && !this.paused) {
      this.paused = true;
      controller.pause();
      this.res.once('drain', this.onDrain);
    }
  }

  onResponseEnd(): void {
    this.upstreamOver = true;
    if (!this.over && !this.answered) this.res.end();
  }

  onResponseError(_controller: Controller, error: Error): void {
    this.upstreamOver = true;
    // Answered in full already: the failure is about the upstream connection (which undici
    // closes), not the exchange.
    if (this.over || this.answered) return;
    const { res } = this;
    if (!res.headersSent && !res.destroyed) {
      // Nothing reached the client yet: the gateway answers for the app.
      this.finish(this.bytes.status || 502, error);
      return;
    }
    this.failure = error;
    res.destroy();
  }

  /** The client's response closed: written in full, or cut short (client gone, destroyed). */
  private closed(): void {
    if (this.over) return;
    if (this.res.writableFinished && (this.upstreamOver || this.answered) && !this.failure) {
      // A bodiless answer undici still reads a body for (see onResponseStart): that connection
      // is out of step with the app and must not carry another request, so it is closed.
      if (!this.upstreamOver) this.abortUpstream(new Error('answer complete without a body'));
      this.finish(this.bytes.status, undefined);
      return;
    }
    const error = this.failure ?? this.cutReason ?? new Error('client closed the connection');
    this.abortUpstream(error);
    this.finish(this.bytes.status || 502, error);
  }

  private abortUpstream(reason: Error): void {
    this.cutReason ??= reason;
    if (!this.upstreamOver) this.controller?.abort(reason);
  }

  private finish(status: number, error: Error | undefined): void {
    this.over = true;
    this.res.off('close', this.onClose);
    this.res.off('drain', this.onDrain);
    this.callbacks.done(status, error, this.bytes);
  }
}
