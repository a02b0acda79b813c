import { pino, type Logger } from 'pino'
import type { Config } from '../../config.ts'

export type { Logger }

/** JSON logs on stdout; secrets are redacted wherever they could appear in a logged object. */
export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({
    level: config.logLevel,
    base: { service: 'bureau' },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'headers.authorization',
        '*.password',
        '*.new_password',
        '*.current_password',
        '*.refresh',
        '*.access',
        '*.token',
      ],
      censor: '[redacted]',
    },
  })
}
