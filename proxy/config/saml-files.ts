/**
 * The metadata files of SAML identity providers, found from the raw document like client secret
 * files: a relative path is relative to the config file, and a file that cannot be read is a
 * problem reported with every other one. The loader hands on the absolute path; the SAML login
 * reads and parses the XML at startup.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Problem } from './errors.js';
import { fsReason, listAt } from './secrets.js';

/** Metadata of a federation can be large; a file beyond this is not an IdP's own metadata. */
export const MAX_METADATA_BYTES = 4 * 1024 * 1024;

export interface SamlFiles {
  /** Absolute metadataFile path by identityProviders index. */
  paths: Map<number, string>;
  problems: Problem[];
}

export function resolveSamlFiles(raw: unknown, baseDir: string): SamlFiles {
  const files: SamlFiles = { paths: new Map(), problems: [] };
  listAt(raw, ['identityProviders']).forEach((item, index) => {
    if (typeof item !== 'object' || item === null) return;
    const { type, metadataFile } = item as Record<string, unknown>;
    if (type !== 'saml' || typeof metadataFile !== 'string' || metadataFile === '') return;
    const path = resolve(baseDir, metadataFile);
    const problem = unreadable(path);
    if (problem === undefined) files.paths.set(index, path);
    else
      files.problems.push({ path: ['identityProviders', index, 'metadataFile'], message: problem });
  });
  return files;
}

function unreadable(path: string): string | undefined {
  try {
    const stat = statSync(path);
    // Checked first so that a FIFO or device never blocks startup.
    if (!stat.isFile()) return 'must name a regular file';
    if (stat.size > MAX_METADATA_BYTES) return 'names a file too large to be SAML metadata';
    readFileSync(path);
    return undefined;
  } catch (error) {
    return `names a file that cannot be read (${fsReason(error)})`;
  }
}
