/**
 * `node --import tsx bench/profile-top.ts FILE.cpuprofile [N]`: the N largest self-time shares
 * (functions, then modules) of a CPU profile, counted from the first proxied request. Take the
 * profile with `BENCH_PROXY_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR" npm run bench -- --only web`.
 */
import { readFileSync } from 'node:fs';
import { profileShares, type CpuProfile } from './profile-shares.js';

const [file, count = '25'] = process.argv.slice(2);
if (!file) {
  console.error('usage: bench/profile-top.ts FILE.cpuprofile [N]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const shares = profileShares(profile, 'handleRequest');
const percent = (share: number) => `${(share * 100).toFixed(1).padStart(5)}%`;
console.log(`busy ${(shares.busyUs / 1e6).toFixed(2)} s from the first proxied request`);
for (const [title, rows] of [
  ['functions', shares.functions],
  ['modules', shares.modules],
] as const) {
  console.log(`\n${title}:`);
  for (const [name, share] of rows.slice(0, Number(count)))
    console.log(`${percent(share)}  ${name}`);
}
