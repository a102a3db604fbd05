import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { flushTelemetry } from '@plinth/telemetry';

/** Graceful shutdown ends in process.exit: export the spans still batched in memory before that. */
@Injectable()
export class TelemetryFlush implements OnApplicationShutdown {
  async onApplicationShutdown(): Promise<void> {
    await flushTelemetry();
  }
}
