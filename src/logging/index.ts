// Structured logging: readable lines on a terminal, one JSON object per line with
// logging.format = "json" (CARTRIDGE_LOGGING_FORMAT=json), e.g. in Kubernetes.
import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

export interface LoggingOptions {
  level: string;
  format: 'pretty' | 'json';
}

let root: Logger | undefined;

/** Configures the process-wide logger; call once from the CLI after the config is loaded. */
export function configureLogging(options: LoggingOptions): Logger {
  root =
    options.format === 'json'
      ? pino({ level: options.level }, pino.destination(2))
      : pino({
          level: options.level,
          transport: {
            target: 'pino-pretty',
            options: {
              destination: 2,
              colorize: process.stderr.isTTY,
              translateTime: 'HH:MM:ss',
              ignore: 'pid,hostname',
              singleLine: true,
            },
          },
        });
  return root;
}

/** A child logger for one component; before configureLogging, logs JSON at info level to stderr. */
export function logger(component: string): Logger {
  root ??= pino({ level: process.env.CARTRIDGE_LOGGING_LEVEL ?? 'info' }, pino.destination(2));
  return root.child({ component });
}
