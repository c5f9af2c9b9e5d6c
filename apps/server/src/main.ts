/** Entry point: config from env and flags -> buildApp -> listen; SIGINT/SIGTERM shut down gracefully. */
import { buildApp, type App } from './app.js';
import { ConfigError, describeConfig, loadConfig } from './config.js';
import { LockedError } from './lib/lockfile.js';
import { log } from './lib/log.js';

/** What an operator can fix by themselves gets one line and exit 1, not a stack trace. */
function startupProblem(err: unknown, config: { port: number; host: string }): string | undefined {
  if (err instanceof LockedError) return err.message;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') return `Port ${config.port} on ${config.host} is already in use: stop what holds it, or choose another with PORT / --port.`;
  if (code === 'EACCES') return `No permission to listen on port ${config.port} on ${config.host}: choose a port above 1023 with PORT / --port.`;
  return undefined;
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env, process.argv.slice(2));
  } catch (err) {
    if (err instanceof ConfigError) {
      if (err.help) {
        console.info(err.message);
        process.exit(0);
      }
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  let app: App | undefined;
  let url: string;
  try {
    app = await buildApp(config);
    url = await app.listen();
  } catch (err) {
    const problem = startupProblem(err, config);
    if (!problem) throw err;
    await app?.close().catch(() => undefined);
    console.error(problem);
    process.exit(1);
  }
  const running = app;
  // Always printed, on stdout, whatever LOG_LEVEL says: scripts and tests wait for this line.
  console.info(`Concord listening on ${url.replace('127.0.0.1', config.host === '0.0.0.0' ? 'localhost' : config.host)} (${describeConfig(config)})`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    // After the drain bound (connections cut), ten more seconds for the rest of the shutdown.
    const force = setTimeout(() => process.exit(1), config.drainTimeoutMs + 10_000);
    force.unref();
    await running.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  log.fatal('failed to start', { err });
  process.exit(1);
});
