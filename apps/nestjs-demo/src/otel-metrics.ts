import type { INestApplication } from '@nestjs/common';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { BreakerRegistry } from '@tripswitch/core';
import { instrumentBreakers } from '@tripswitch/opentelemetry';

/** A reader collected on demand: the demo shows the instruments instead of exporting them. */
class OnDemandReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/**
 * Observes the app's breakers with `@tripswitch/opentelemetry` and serves what the instruments
 * hold at `GET /otel/metrics`, as JSON: each instrument with its data points. A real service
 * would hand the MeterProvider an OTLP exporter instead.
 */
export function serveOpenTelemetryMetrics(app: INestApplication): () => Promise<void> {
  const reader = new OnDemandReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const stop = instrumentBreakers(app.get(BreakerRegistry), { meterProvider });
  app
    .getHttpAdapter()
    .get('/otel/metrics', async (_req: unknown, res: { json(body: unknown): void }) => {
      const { resourceMetrics } = await reader.collect();
      res.json(
        resourceMetrics.scopeMetrics.flatMap((scope) =>
          scope.metrics.map((metric) => ({
            name: metric.descriptor.name,
            unit: metric.descriptor.unit,
            points: metric.dataPoints.map((point) => ({
              attributes: point.attributes,
              value: point.value,
            })),
          })),
        ),
      );
    });
  return async () => {
    stop();
    await meterProvider.shutdown();
  };
}
