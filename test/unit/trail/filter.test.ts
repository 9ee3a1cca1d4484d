// Trail filters from query strings: one reading of person, status, method, times and paging for
// the portal and the API, with 400 invalid_query for what does not parse.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  trailFilterFromQuery,
  trailFilterFromText,
  trailPageFromQuery,
} from '../../../proxy/trail/filter.js';

const invalid = { code: 'invalid_query', status: 400 };

void describe('trail filters', () => {
  void test('status as a number or a class, method upper-cased, times as dates', () => {
    assert.deepEqual(
      trailFilterFromText({
        status: '4xx',
        method: 'post',
        path: '/api',
        resource: 'payroll',
        from: '2025-01-01',
        to: '2025-01-31',
      }),
      {
        statusMin: 400,
        statusMax: 499,
        method: 'POST',
        pathContains: '/api',
        resourceId: 'payroll',
        from: Date.UTC(2025, 0, 1),
        to: Date.UTC(2025, 1, 1),
      },
    );
    assert.deepEqual(trailFilterFromText({ status: '404', path: '' }), {
      statusMin: 404,
      statusMax: 404,
    });
  });

  void test('what does not parse is a 400 invalid_query', () => {
    for (const query of [
      { status: '42' },
      { status: ['200', '404'] },
      { method: 'GET;DROP' },
      { from: 'yesterday' },
      { path: 'x'.repeat(501) },
    ])
      assert.throws(() => trailFilterFromText(query), invalid, JSON.stringify(query).slice(0, 40));
  });

  void test('a person is every user the name matches; nobody matches nothing', async () => {
    const users = {
      findByName: async (name: string) =>
        name === 'vic' ? [{ id: 'vendors:vic' }, { id: 'corp:vic' }] : [],
    } as Parameters<typeof trailFilterFromQuery>[1];
    assert.deepEqual((await trailFilterFromQuery({ person: 'vic' }, users)).userIds, [
      'vendors:vic',
      'corp:vic',
    ]);
    assert.deepEqual((await trailFilterFromQuery({ person: 'nobody' }, users)).userIds, []);
  });

  void test('paging: after for timelines, before for searches, bounded limit', () => {
    assert.deepEqual(trailPageFromQuery({ after: '1700-12', limit: '5' }, 'asc', 200, 1000), {
      limit: 5,
      order: 'asc',
      after: { time: 1700, id: 12 },
    });
    assert.deepEqual(trailPageFromQuery({ before: '5-9' }, 'desc', 200, 1000), {
      limit: 200,
      order: 'desc',
      before: { time: 5, id: 9 },
    });
    assert.throws(() => trailPageFromQuery({ limit: '1001' }, 'asc', 200, 1000), invalid);
    assert.throws(() => trailPageFromQuery({ after: '12' }, 'asc', 200, 1000), invalid);
    assert.throws(() => trailPageFromQuery({ after: '-1' }, 'asc', 200, 1000), invalid);
  });
});
