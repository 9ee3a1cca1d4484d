/**
 * `jitgate login` as a person runs it: the CLI listens on a loopback port and prints the
 * /cli/authorize URL (no browser is opened); a test's browser answers the consent page.
 */
import { spawn } from 'node:child_process';

/** Every hidden field of the page's form, plus the button pressed. */
export function formFields(body: string, decision: string): Record<string, string> {
  const fields: Record<string, string> = { decision };
  for (const match of body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) {
    fields[match[1] ?? ''] = (match[2] ?? '').replaceAll('&amp;', '&').replaceAll('&#39;', "'");
  }
  return fields;
}

export interface LoginRun {
  done: Promise<{ code: number | null; stderr: string }>;
  authorizeUrl: Promise<string>;
}

/** Starts `jitgate login --no-browser` (plus `extra`) with its config under `configHome`. */
export function startCliLogin(portal: string, configHome: string, extra: string[] = []): LoginRun {
  // A printed command that names its portal keeps it; otherwise the test's portal is added.
  const url = extra.includes('--url') ? [] : ['--url', portal];
  const child = spawn(
    process.execPath,
    ['bin/jitgate.mjs', 'login', '--no-browser', ...extra, ...url],
    {
      env: { ...process.env, JITGATE_FROM_SOURCE: '1', XDG_CONFIG_HOME: configHome },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  const authorizeUrl = new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const url = /(http\S+\/cli\/authorize\?\S+)/.exec(stderr)?.[1];
      if (url) resolve(url);
    });
    child.on('close', () => reject(new Error(`the CLI ended before printing a URL: ${stderr}`)));
  });
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stderr })),
  );
  return { done, authorizeUrl };
}
