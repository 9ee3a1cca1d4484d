// The CLI's argument parsing and exit codes: unknown options and bad durations are usage errors
// (1), refusals 2, an unreachable proxy 3, a refused credential 5, a request that ended without
// a grant 6; the default URL follows JITGATE_URL, then PORT.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { durationArg, parseCommand, positionalsOf, proxyUrl } from '../../../proxy/cli/args.js';
import { CliError, cliErrorOf, EXIT } from '../../../proxy/cli/exit-codes.js';
import { machineFromEnv } from '../../../proxy/cli/session.js';
import { JitgateApiError, JitgateUnreachable } from '../../../proxy/sdk/errors.js';

const exitOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof CliError ? error.exitCode : 'not a CliError';
  }
  return 'no error';
};

void describe('cli args', () => {
  void it('parses known options and the common ones', () => {
    const parsed = parseCommand(
      ['orders-db', '--for', '30m', '--wait', '--json', '--url', 'http://x:1'],
      { for: { type: 'string' }, wait: { type: 'boolean' } },
      'usage',
    );
    assert.deepEqual(parsed.positionals, ['orders-db']);
    assert.equal(parsed.values.for, '30m');
    assert.equal(parsed.values.wait, true);
    assert.equal(parsed.values.json, true);
    assert.equal(parsed.values.url, 'http://x:1');
  });

  void it('makes unknown options, missing positionals and bad durations usage errors', () => {
    assert.equal(
      exitOf(() => parseCommand(['--nope'], {}, 'u')),
      EXIT.usage,
    );
    assert.equal(
      exitOf(() => positionalsOf({ positionals: [] }, ['RESOURCE'], 'u')),
      EXIT.usage,
    );
    assert.equal(
      exitOf(() => durationArg('30 minutes', '--for')),
      EXIT.usage,
    );
    assert.equal(
      exitOf(() => durationArg(undefined, '--for')),
      EXIT.usage,
    );
    assert.equal(durationArg('1h30m', '--for'), '1h30m');
  });

  void it('finds the proxy URL in --url, JITGATE_URL, then PORT', () => {
    assert.equal(proxyUrl(undefined, {}), 'http://127.0.0.1:8080');
    assert.equal(proxyUrl(undefined, { PORT: '9090' }), 'http://127.0.0.1:9090');
    assert.equal(
      proxyUrl(undefined, { JITGATE_URL: 'https://a.example/', PORT: '1' }),
      'https://a.example',
    );
    assert.equal(
      proxyUrl('http://localhost:2/x', { JITGATE_URL: 'https://a.example' }),
      'http://localhost:2',
    );
    assert.equal(
      exitOf(() => proxyUrl('ftp://x', {})),
      EXIT.usage,
    );
  });

  void it('refuses plain http to another machine: credentials would cross the network bare', () => {
    for (const url of ['http://b:2', 'http://10.0.0.5:8080', 'http://access.example.com'])
      assert.equal(
        exitOf(() => proxyUrl(url, {})),
        EXIT.usage,
        url,
      );
    for (const url of ['http://127.0.0.1:8080', 'http://[::1]:8080', 'https://access.example.com'])
      assert.equal(proxyUrl(url, {}), new URL(url).origin, url);
    assert.equal(proxyUrl('http://b:2', { JITGATE_ALLOW_PLAIN_HTTP: '1' }), 'http://b:2');
    const machine = { JITGATE_CLIENT_ID: 'ci', JITGATE_CLIENT_SECRET: 's' };
    assert.equal(
      exitOf(() => machineFromEnv({ ...machine, JITGATE_TOKEN_URL: 'http://idp.example/token' })),
      EXIT.usage,
    );
    const local = { ...machine, JITGATE_TOKEN_URL: 'http://localhost:9/token' };
    assert.equal(machineFromEnv(local)?.tokenUrl, 'http://localhost:9/token');
  });

  void it('maps API failures to exit codes', () => {
    const code = (error: unknown) => cliErrorOf(error)?.exitCode;
    assert.equal(code(new JitgateApiError(403, 'policy_denied', 'no')), EXIT.refused);
    assert.equal(code(new JitgateApiError(404, 'unknown_grant', 'no')), EXIT.refused);
    assert.equal(code(new JitgateApiError(401, 'invalid_token', 'no')), EXIT.unauthenticated);
    assert.equal(code(new JitgateApiError(409, 'request_denied', 'no')), EXIT.notGranted);
    assert.equal(code(new JitgateApiError(408, 'wait_timeout', 'no')), EXIT.notGranted);
    assert.equal(code(new JitgateApiError(502, 'idp_unavailable', 'no')), EXIT.unreachable);
    assert.equal(code(new JitgateUnreachable('http://x')), EXIT.unreachable);
    assert.equal(cliErrorOf(new Error('bug')), undefined, 'bugs are not user errors');
  });

  void it('says policy reasons once, with the code', () => {
    const error = new JitgateApiError(403, 'policy_denied', 'too long', ['too long']);
    assert.equal(cliErrorOf(error)?.message, 'too long (policy_denied)');
    const other = new JitgateApiError(403, 'not_an_approver', 'refused', ['not in approvers']);
    assert.equal(cliErrorOf(other)?.message, 'refused: not in approvers (not_an_approver)');
  });

  void it('never says a bare "internal error": where the cause is, and who can read it', () => {
    const error = new JitgateApiError(500, 'internal_error', 'internal error');
    assert.equal(
      cliErrorOf(error)?.message,
      'jitgate failed on the server (internal_error): the cause is in its log; ask its operator',
    );
  });
});
