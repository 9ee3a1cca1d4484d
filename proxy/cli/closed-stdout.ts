/**
 * A reader that stops early (`jitgate recordings list | head -1`) is not a failure. Without this,
 * the next write to the closed pipe throws EPIPE as an unhandled 'error' event: a stack trace and
 * a non-zero exit. Like other Unix tools, the CLI then stops quietly with exit 0 (nobody is left
 * to read the rest). Imported first by main.ts, so it holds for every command.
 */
import { EXIT } from './exit-codes.js';

process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(EXIT.ok);
  throw error;
});
