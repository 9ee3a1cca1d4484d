/**
 * Self-time shares of a V8 CPU profile (`node --cpu-prof`), the evidence behind each hot-path
 * change: which functions and which modules the proxy's busy time went to. Idle samples are left
 * out, and so is start-up: shares count from the first sample inside `from` (e.g. the gateway's
 * handleRequest), so module loading does not dilute the request path.
 */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
}

export interface Shares {
  /** Busy time counted, µs. */
  busyUs: number;
  /** [name, share 0..1], largest first. */
  functions: [string, number][];
  modules: [string, number][];
}

/** "node_modules/undici/lib/x.js" → "undici"; "/repo/dist/proxy/a/b.js" → "proxy/a/b.js". */
export function moduleOf(url: string, functionName: string): string {
  if (url === '') return functionName;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg?.[1]) return pkg[1];
  const own = /\/(?:dist\/)?((?:proxy|recorder|bench)\/.*)$/.exec(url);
  return own?.[1] ?? url;
}

const sorted = (map: Map<string, number>, total: number): [string, number][] =>
  [...map].map(([k, v]): [string, number] => [k, v / total]).sort((a, b) => b[1] - a[1]);

export function profileShares(profile: CpuProfile, from?: string): Shares {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const within = (id: number) => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at))
      if (byId.get(at)?.callFrame.functionName === from) return true;
    return false;
  };
  const first = from === undefined ? 0 : Math.max(0, profile.samples.findIndex(within));
  const functions = new Map<string, number>();
  const modules = new Map<string, number>();
  let busyUs = 0;
  for (let i = first; i < profile.samples.length; i++) {
    const frame = byId.get(profile.samples[i] ?? -1)?.callFrame;
    const us = profile.timeDeltas[i] ?? 0;
    if (!frame || frame.functionName === '(idle)') continue;
    busyUs += us;
    const module = moduleOf(frame.url, frame.functionName);
    // Native frames (writev, the garbage collector) have no file: their name says it all.
    const name = frame.url ? `${frame.functionName || '(anonymous)'} ${module}` : module;
    functions.set(name, (functions.get(name) ?? 0) + us);
    modules.set(module, (modules.get(module) ?? 0) + us);
  }
  const total = busyUs || 1;
  return { busyUs, functions: sorted(functions, total), modules: sorted(modules, total) };
}
