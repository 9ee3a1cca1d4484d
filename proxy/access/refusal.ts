/**
 * A refusal by policy or by the approver rules, carrying the sentences that explain it. Clients
 * show them: the API sends them as `error.reasons`, the portal as a list under its message.
 */
import { JitgateError, type StatusAndCode } from '../shared/errors.js';

export class PolicyRefusal extends JitgateError {
  readonly reasons: readonly string[];

  /** `refusal`: [403, 'policy_denied'], [409, 'policy_denied'] or [403, 'not_an_approver']. */
  constructor(
    refusal: StatusAndCode<'policy_denied' | 'not_an_approver'>,
    reasons: readonly string[],
  ) {
    super(...refusal, reasons.join('; '));
    this.name = 'PolicyRefusal';
    this.reasons = reasons;
  }

  override toJSON() {
    return { error: { ...super.toJSON().error, reasons: [...this.reasons] } };
  }
}
