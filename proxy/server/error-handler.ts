/** The one Express error handler: clients get a code and a message, logs get the cause. */
import type { NextFunction, Request, Response } from 'express';
import { JitgateError, RateLimited, toJitgateError } from '../shared/errors.js';
import { html, page } from '../shared/html.js';
import type { Logger } from '../shared/logger.js';

/** body-parser and friends throw errors with a status and a type; translate the ones we expect. */
function fromHttpError(error: unknown): JitgateError | undefined {
  // jitgate's own errors also carry a `status`: they keep their code and message.
  if (typeof error !== 'object' || error === null || error instanceof JitgateError)
    return undefined;
  const { status, type } = error as { status?: unknown; type?: unknown };
  if (type === 'entity.parse.failed')
    return new JitgateError(400, 'invalid_json', 'the body is not valid JSON');
  if (type === 'entity.too.large')
    return new JitgateError(413, 'body_too_large', 'the body is too large');
  // body-parser says 415 for a charset or content encoding it does not read; the rest is 400.
  if (status === 415) return new JitgateError(415, 'bad_request', 'the request could not be read');
  if (typeof status === 'number' && status >= 400 && status < 500)
    return new JitgateError(400, 'bad_request', 'the request could not be read');
  return undefined;
}

export function errorHandler(log: Logger) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const failure = fromHttpError(error) ?? toJitgateError(error);
    // The whole error: its code and message (which name the part that failed, e.g. the IdP),
    // then its cause chain down to the system's own word (SQLITE_FULL, ECONNREFUSED).
    if (failure.status >= 500)
      log.error('request failed', {
        requestId: req.id,
        method: req.method,
        path: req.path,
        error: failure,
      });
    else
      log.info('request refused', {
        requestId: req.id,
        path: req.path,
        code: failure.code,
        cause: failure.cause instanceof Error ? failure.cause.message : undefined,
      });
    if (res.headersSent) return res.destroy();
    res.status(failure.status).setHeader('x-jitgate-error', failure.code);
    // Pages for browser navigations: GETs, and the form posts a route marks (SAML's ACS).
    const navigation = req.method === 'GET' || res.locals.errorPage === true;
    if (failure instanceof RateLimited) res.setHeader('retry-after', String(failure.retryAfterS));
    const wantsHtml =
      navigation && !req.path.startsWith('/api/') && req.accepts(['json', 'html']) === 'html';
    if (!wantsHtml) return res.json(failure.toJSON());
    const { message } = failure.toJSON().error;
    res.type('html').send(
      page(
        'Error',
        html`<h1>Something is not right</h1>
          <p class="error">${message}</p>
          <p class="muted">Code <code>${failure.code}</code> · request ${req.id}</p>
          <p><a href="/">Back to jitgate</a></p>`,
      ),
    );
  };
}
