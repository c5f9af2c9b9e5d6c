// Builds the web client unless its inputs are unchanged since the last build: a hash of every source file
// (the web app and the packages it bundles) is kept beside the output, so `npm start` starts at once.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const inputs = ['apps/web/src', 'apps/web/index.html', 'apps/web/vite.config.ts', 'apps/web/package.json', 'packages/protocol/src', 'packages/client/src', 'package-lock.json'];
const stamp = path.join(root, 'apps/web/dist/.source-hash');

function files(p) {
  const abs = path.join(root, p);
  if (!fs.existsSync(abs)) return [];
  if (!fs.statSync(abs).isDirectory()) return [p];
  return fs.readdirSync(abs).sort().flatMap((name) => files(path.join(p, name)));
}

const hash = createHash('sha256');
for (const f of inputs.flatMap(files)) hash.update(f).update('\0').update(fs.readFileSync(path.join(root, f))).update('\0');
const digest = hash.digest('hex');

if (fs.existsSync(path.join(root, 'apps/web/dist/index.html')) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === digest) {
  console.info('web client unchanged since the last build; not rebuilding');
} else {
  execFileSync('npm', ['run', 'build', '-w', 'apps/web'], { cwd: root, stdio: 'inherit' });
  fs.writeFileSync(stamp, digest);
}
