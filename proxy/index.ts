/** The package entry: the typed API client the CLI itself uses. */
export {
  JitgateClient,
  type JitgateClientOptions,
  type WaitOptions,
} from './sdk/jitgate-client.js';
export { JitgateApiError, JitgateUnexpectedAnswer, JitgateUnreachable } from './sdk/errors.js';
export type { ClientCredentials } from './sdk/client-credentials.js';
export type * from './sdk/types.js';
