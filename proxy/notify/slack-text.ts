/**
 * The `text` of webhook messages, for Slack-compatible receivers: they read `<…>` as markup (a
 * `<!channel>` pages everyone, `<https://…|label>` hides a link behind any label) and `&` as the
 * start of an escape. What people typed and what an IdP says their name is are hostile text, so
 * every interpolated value is escaped the way Slack documents (&, <, >); our own words are not.
 */
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

export const escapeSlack = (value: unknown): string =>
  String(value).replace(/[&<>]/g, (c) => ESCAPES[c] ?? c);

/** Tagged template: the literal parts as written, every value escaped. */
export function slackText(strings: TemplateStringsArray, ...values: unknown[]): string {
  return strings.reduce((out, part, i) => out + escapeSlack(values[i - 1]) + part);
}
