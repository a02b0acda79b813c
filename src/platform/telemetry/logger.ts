import { pino, type Logger } from 'pino'
import type { Config } from '../../config.ts'
import { currentTraceIds, tracingActive } from './tracing.ts'

export type { Logger }

/** JSON logs on stdout; secrets are redacted wherever they could appear in a logged object. */
export function createLogger(config: Pick<Config, 'logLevel'>, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    base: { service: 'bureau' },
    // While tracing, each line names its trace and span, beside the request or job id it already has.
    ...(tracingActive() ? { mixin: currentTraceIds } : {}),
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
  }
  return destination ? pino(options, destination) : pino(options)
}
