/** JSON calls to the jitgate API with a machine's bearer token, for the credential tests. */
export interface Answer {
  status: number;
  json: Record<string, unknown> & {
    grant?: { id: string; endsAt: string } | null;
    credential?: {
      user: string;
      password: string;
      url: string;
      host: string;
      port: number;
      database: string;
    };
    error?: { code: string };
  };
}

export async function api(
  base: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<Answer> {
  const response = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, json: (await response.json()) as Answer['json'] };
}

/** Asks for orders-db with an auto-approved reason; returns the grant and its credential. */
export async function grantWithCredential(base: string, token: string, duration = '5m') {
  const created = await api(base, token, 'POST', '/requests', {
    resource: 'orders-db',
    duration,
    reason: 'migration test',
  });
  const grant = created.json.grant;
  if (created.status !== 201 || !grant)
    throw new Error(`no grant: ${JSON.stringify(created.json)}`);
  const answer = await api(base, token, 'GET', `/grants/${grant.id}/credentials`);
  const credential = answer.json.credential;
  if (answer.status !== 200 || !credential)
    throw new Error(`no credential: ${JSON.stringify(answer.json)}`);
  return { grant, credential };
}
