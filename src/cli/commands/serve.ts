// `cartridge serve`: the web UI and API (play the agents, watch training).
import type { Command } from 'commander';
import { startWebServer } from '../../web/index.js';
import { loadCommandConfig } from '../config-options.js';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve the web UI and JSON API: play the agents in the browser and watch training live')
    .option('--host <host>', 'interface to listen on (web.host)')
    .option('--port <port>', 'port to listen on, 0 = any free port (web.port)')
    .action(async (_options: unknown, command: Command) => {
      const { config } = loadCommandConfig(command, {
        host: { key: 'web.host', flag: '--host' },
        port: { key: 'web.port', flag: '--port' },
      });
      const server = await startWebServer(config);
      process.stdout.write(`Cartridge web UI at ${server.url}\n`);
      const stop = () => {
        void server.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
