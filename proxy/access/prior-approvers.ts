/**
 * The people who approved a request so far, as the approval rules compare them (id and email).
 * An approval stores only the approver's id; their email comes from their user record, so the
 * same person signed in through another identity provider is recognised.
 */
import type { UserRepository } from '../store/types.js';
import type { AccessRequest } from './request-record.js';
import type { Person } from './types.js';

export async function priorApprovers(
  users: Pick<UserRepository, 'get'>,
  request: Pick<AccessRequest, 'approvals'>,
): Promise<Person[]> {
  const ids = [...new Set(request.approvals.map((approval) => approval.approverId))];
  return Promise.all(ids.map(async (id) => ({ id, email: (await users.get(id))?.email ?? null })));
}
