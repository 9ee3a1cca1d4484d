/**
 * What someone who can write the recordings folder does to hide a deed in a sealed recording:
 * cuts the lines that show it, removes the signature sidecar and drops an `.open` marker beside
 * it, so that crash recovery would seal the edited file as if a crash had cut it short.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

/** Returns the edited text, as it now is on disk. */
export function cutAndReopen(path: string, deed: string, marker: string): string {
  const edited = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => !line.includes(deed))
    .join('\n');
  writeFileSync(path, edited);
  rmSync(`${path}.sig.json`);
  writeFileSync(`${path}.open`, marker);
  return edited;
}
