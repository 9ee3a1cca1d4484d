/**
 * `npm run bench:readme`: copies bench/results/latest.md (the last `npm run bench`) into the
 * README between its bench markers. Run it after a bench on an otherwise idle machine.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readmeWithReport } from './readme-copy.js';
import { REPO_ROOT } from './ts-child.js';

const readmePath = join(REPO_ROOT, 'README.md');
const report = readFileSync(join(REPO_ROOT, 'bench', 'results', 'latest.md'), 'utf8');
writeFileSync(readmePath, readmeWithReport(readFileSync(readmePath, 'utf8'), report));
console.log('README.md: Performance section updated from bench/results/latest.md');
