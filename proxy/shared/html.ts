/** Minimal server-side HTML: escaping and the page frame shared by the portal and the gateway. */
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export const escapeHtml = (value: unknown): string =>
  (typeof value === 'string'
    ? value
    : value === null || value === undefined
      ? ''
      : JSON.stringify(value)
  ).replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);

/** A value already escaped or built from escaped parts. */
export class SafeHtml {
  constructor(readonly html: string) {}
  toString(): string {
    return this.html;
  }
}

/** Tagged template that escapes every interpolation unless it is SafeHtml (or an array of it). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    const parts = Array.isArray(value) ? value : [value];
    out += parts.map((p) => (p instanceof SafeHtml ? p.html : escapeHtml(p))).join('');
    out += strings[i + 1] ?? '';
  });
  return new SafeHtml(out);
}

/** A long word (a URL, an id) breaks rather than push the card wider than the window. */
const STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
main{max-width:44rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:12px;box-shadow:0 1px 4px #0002;
overflow-wrap:break-word}
h1{font-size:1.4rem;margin-top:0}a.button,button{display:inline-block;background:#2456d3;color:#fff;border:0;
border-radius:8px;padding:.5rem 1rem;text-decoration:none;font:inherit;cursor:pointer}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #e3e6ea}
.muted{color:#667}.error{color:#b00020}code{background:#eef;padding:0 .2rem;border-radius:4px}`;

/** `mainClass` is a class of ours for the card (e.g. "wide"), never text from a request. */
export function page(
  title: string,
  body: SafeHtml,
  head: SafeHtml = new SafeHtml(''),
  mainClass = '',
): string {
  const main = mainClass ? `<main class="${escapeHtml(mainClass)}">` : '<main>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(title)} · jitgate</title><style>${STYLE}</style>${head.html}</head>
<body>${main}${body.html}</main></body></html>`;
}

/**
 * CSP for pages that run jitgate's own scripts (the portal, the passkey pages): scripts and
 * connections to jitgate only, no frames, forms posting only to jitgate.
 */
export const PORTAL_CSP =
  "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** CSP for pages jitgate renders itself: no scripts unless a page adds its own nonce. */
export const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/**
 * PAGE_CSP for a page whose form may lead on to other origins: browsers apply form-action to
 * every redirect after the submission, so a sign-in form whose answer goes on to an app (through
 * /auth/app) must name the app origins, or the browser stops at the first hop off the portal.
 */
export const pageCspWithFormTargets = (targets: readonly string[]): string =>
  PAGE_CSP.replace("form-action 'self'", ["form-action 'self'", ...targets].join(' '));
