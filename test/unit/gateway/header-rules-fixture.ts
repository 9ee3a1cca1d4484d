/** The header rules the gateway's header tests run with: payroll's injected names, two extra strips. */
import { buildHeaderRules, type HeaderRules } from '../../../proxy/gateway/upstream-headers.js';

export const rulesWith = (
  overrides: { trustProxy?: boolean; cookieName?: string } = {},
): HeaderRules =>
  buildHeaderRules({
    assertionHeader: 'X-Jitgate-Assertion',
    injectedHeaders: ['X-Payroll-User', 'X-Payroll-Groups'],
    extraStrip: ['X-Legacy-Identity', 'x_corp_user'],
    cookieName: overrides.cookieName ?? 'jitgate_session',
    trustProxy: overrides.trustProxy ?? false,
  });
