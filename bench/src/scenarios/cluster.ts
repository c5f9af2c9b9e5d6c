/**
 * Scenario 5: the fan-out scenario against a two-process cluster (PostgreSQL + Redis). The sender posts to
 * process 1; receivers alternate between processes 1 and 2, so half of every message crosses Redis.
 *
 *   npm run -w bench cluster [-- --steps 10@10,100@10,1000@10,10000@1,1000@max --duration 10 --quick]
 */
import { fileURLToPath } from 'node:url';
import { main } from '../cli.js';
import { twoProcessCluster } from '../under-test.js';
import { runFanoutScenario } from './fanout.js';

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(() => runFanoutScenario('cluster', process.argv.slice(2), (o) => twoProcessCluster('cluster', o.profile)));
}
