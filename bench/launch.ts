/**
 * How the `jitgate` command starts node: the environment and flags on bin/jitgate.mjs's first
 * line (`#!/usr/bin/env -S NAME=value node FLAGS`), so the bench runs jitgate as a deployment
 * does, with the bench's own node binary.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './ts-child.js';

export const JITGATE_BIN = join(REPO_ROOT, 'bin', 'jitgate.mjs');

export interface Launch {
  env: Record<string, string>;
  nodeArgs: string[];
}

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;

/** Pure: the environment and node flags of an `env` shebang line. */
export function parseShebang(line: string): Launch {
  const command = /^#!\/usr\/bin\/env(?:\s+-S)?\s+(.+)$/.exec(line.trim())?.[1];
  if (!command) throw new Error(`not an /usr/bin/env shebang: ${line}`);
  const words = command.split(/\s+/);
  const env: Record<string, string> = {};
  let word = words.shift();
  for (let match = ASSIGNMENT.exec(word ?? ''); match; match = ASSIGNMENT.exec(word ?? '')) {
    env[match[1] ?? ''] = match[2] ?? '';
    word = words.shift();
  }
  if (word !== 'node') throw new Error(`the shebang does not run node: ${line}`);
  return { env, nodeArgs: words };
}

export function shippedLaunch(bin = JITGATE_BIN): Launch {
  return parseShebang(readFileSync(bin, 'utf8').split('\n', 1)[0] ?? '');
}
