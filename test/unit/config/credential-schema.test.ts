// `kind: postgres` resources' objectOwner: it must be one of grantRoles, so what a grant made is
// only ever handed to a role every grant of the resource already has.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { postgresResource } from '../../../proxy/config/credential-schema.js';

const base = {
  id: 'orders-db',
  kind: 'postgres',
  adminUrlEnv: 'ORDERS_ADMIN_URL',
  database: 'orders',
};

void describe('postgres resources: objectOwner', () => {
  test('is optional: without it, what a temporary role made is dropped with it', () => {
    const parsed = postgresResource.parse({ ...base, statements: ['GRANT x TO {{role}}'] });
    assert.equal(parsed.objectOwner, undefined);
  });

  test('is accepted when it is one of grantRoles', () => {
    const parsed = postgresResource.parse({
      ...base,
      grantRoles: ['orders_owner'],
      objectOwner: 'orders_owner',
    });
    assert.equal(parsed.objectOwner, 'orders_owner');
  });

  test('is refused when it is not one of grantRoles, or not a plain role name', () => {
    for (const [resource, path] of [
      [{ ...base, grantRoles: ['orders_reader'], objectOwner: 'orders_owner' }, 'objectOwner'],
      [{ ...base, grantRoles: ['orders_owner'], objectOwner: 'a"b' }, 'objectOwner'],
    ] as const) {
      const result = postgresResource.safeParse(resource);
      assert.equal(result.success, false);
      assert.ok(
        result.error?.issues.some((issue) => issue.path[0] === path),
        JSON.stringify(result.error?.issues),
      );
    }
  });
});
