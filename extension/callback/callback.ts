/**
 * Where jitgate's connect page sends the browser back, with a one-time code and the state. The
 * page only passes them to the worker (which holds the PKCE verifier) and says how it went; the
 * code is wiped from the address bar first.
 */
import { realBrowser } from '../browser-api.js';
import type { BreakGlassOutcome, Reply } from '../shared/messages.js';

async function finish(): Promise<string> {
  const params = new URLSearchParams(location.search);
  history.replaceState(null, '', location.pathname);
  if (params.get('error')) return 'Not connected: the connection was cancelled on jitgate.';
  const code = params.get('code');
  const state = params.get('state');
  if (!code || !state) return 'Not connected: this page was opened without a code.';
  const reply = (await realBrowser().sendMessage({ command: 'auth.complete', code, state })) as
    Reply<{ username: string; breakGlass?: BreakGlassOutcome }> | undefined;
  if (!reply?.ok) return `Not connected: ${reply?.error ?? 'the extension did not answer'}`;
  const emergency = reply.breakGlass;
  // The emergency access this step-up sign-in was for: granted, or the server's reason why not.
  if (emergency)
    return emergency.ok
      ? `Emergency access to ${emergency.resource} granted. You can close this tab.`
      : `Emergency access to ${emergency.resource} refused: ${emergency.message}`;
  return `Connected as ${reply.username}. You can close this tab.`;
}

void finish().then((text) => {
  const result = document.getElementById('result');
  if (result) result.textContent = text;
});
