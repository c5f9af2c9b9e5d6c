/** Summarises a V8 .cpuprofile (node --cpu-prof): self time per function, top N, as table rows. */
import fs from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

export function summariseProfile(file: string, top = 15): { total_ms: number; rows: [string, string, number, number][] } {
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const dt = (p.timeDeltas[i] ?? 0) / 1000;
    const n = byId.get(id)!;
    if (n.callFrame.functionName === '(idle)') return;
    total += dt;
    const where = n.callFrame.url ? `${shorten(n.callFrame.url)}:${n.callFrame.lineNumber + 1}` : '';
    const key = `${n.callFrame.functionName || '(anonymous)'}\u0000${where}`;
    self.set(key, (self.get(key) ?? 0) + dt);
  });
  const rows = [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, ms]) => {
      const [fn, where] = k.split('\u0000') as [string, string];
      return [fn, where, Math.round(ms), Math.round((1000 * ms) / total) / 10] as [string, string, number, number];
    });
  return { total_ms: Math.round(total), rows };
}

function shorten(url: string): string {
  const u = url.replace(/^file:\/\//, '');
  const nm = u.lastIndexOf('node_modules/');
  if (nm >= 0) return u.slice(nm + 'node_modules/'.length);
  const apps = u.indexOf('/apps/');
  return apps >= 0 ? u.slice(apps + 1) : path.basename(u);
}

/** The main thread's profile: the largest one (tsx's loader thread writes a small one beside it). */
export function newestProfile(dir: string): string | undefined {
  if (!fs.existsSync(dir)) return undefined;
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  files.sort((a, b) => fs.statSync(path.join(dir, b)).size - fs.statSync(path.join(dir, a)).size);
  return files[0] && path.join(dir, files[0]);
}
