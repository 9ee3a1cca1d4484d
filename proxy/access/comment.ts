/**
 * An approver's or reviewer's comment, kept the same whichever client sent it: trimmed, null when
 * blank, and bounded. The API checks the bound at its edge too; the portal's forms reach here with
 * only the body size limit, so this is where the bound holds for everyone.
 */
import { badRequest } from '../shared/errors.js';

export const MAX_COMMENT_CHARS = 1000;

export function cleanComment(comment: string | null | undefined): string | null {
  const trimmed = comment?.trim() ?? '';
  if (trimmed.length > MAX_COMMENT_CHARS)
    throw badRequest('invalid_body', `comment: at most ${MAX_COMMENT_CHARS} characters`);
  return trimmed === '' ? null : trimmed;
}
