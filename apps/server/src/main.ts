/** Entry point: config from env and flags -> buildApp -> listen; SIGINT/SIGTERM shut down gracefully. */
import { buildApp } from './app.js';
import { ConfigError, describeConfig, loadConfig } from './config.js';

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
  const app = await buildApp(config);
  const url = await app.listen();
  console.info(`Concord listening on ${url.replace('127.0.0.1', config.host === '0.0.0.0' ? 'localhost' : config.host)} (${describeConfig(config)})`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.info(`${signal}: shutting down`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await app.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
