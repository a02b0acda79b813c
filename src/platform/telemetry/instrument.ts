/**
 * Loaded before the application by `node --import` (the npm scripts and the container pass it):
 * starts tracing when the OpenTelemetry variables ask for it (OTEL_EXPORTER_OTLP_ENDPOINT, or
 * OTEL_TRACES_EXPORTER), and does nothing else otherwise — the SDK is not even loaded.
 */
import { tracingSettings } from '../../config.ts'

const settings = tracingSettings()
if (settings.enabled) {
  const { startTracing } = await import('./tracing-sdk.ts')
  const sdk = await startTracing({ exporter: settings.exporter, serviceName: settings.serviceName })
  // The spans still buffered when the process ends are sent before it exits.
  process.once('beforeExit', () => {
    void sdk.shutdown()
  })
}
