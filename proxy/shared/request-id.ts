/** Request ids: cheap, unique per process start, echoed as X-Request-Id and put in every log line. */
import { randomBytes } from 'node:crypto';

const boot = randomBytes(4).toString('hex');
let counter = 0;

export const nextRequestId = () => `${boot}-${(counter++).toString(36)}`;

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express types are augmented this way
  namespace Express {
    interface Request {
      id: string;
    }
  }
}
