// What a test event handler saw, per service instance, plus a gate to hold handlers mid-flight.
import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload, RmqContext } from '@nestjs/microservices';
import { TestEvents, ThingHappenedEvent } from './test-contracts.js';

export interface HandledEvent { instance: string; id: string; name: string; redelivered: boolean; attempt: unknown }

export class EventRecorder {
  readonly handled: HandledEvent[] = [];
  readonly attempts = new Map<string, number>();
  constructor(readonly instance: string, readonly shared: SharedControls) {}
}

/** State shared by all instances in a test (they live in one process). */
export class SharedControls {
  hangs = 0;
  private release!: () => void;
  readonly released = new Promise<void>((resolve) => { this.release = resolve; });
  slowMs = 300;
  releaseAll(): void { this.release(); }
}

export const RECORDER = Symbol('RECORDER');

@Controller()
export class ThingHandlers {
  constructor(@Inject(RECORDER) private readonly recorder: EventRecorder) {}

  @EventPattern<string>(TestEvents.thingHappened) // the untyped overload: the typed one rejects a typed @Ctx() parameter
  async onThing(@Payload() event: ThingHappenedEvent, @Ctx() context: RmqContext): Promise<void> {
    const { recorder } = this;
    recorder.attempts.set(event.id, (recorder.attempts.get(event.id) ?? 0) + 1);
    const message = context.getMessage() as { fields: { redelivered: boolean }; properties: { headers?: Record<string, unknown> } };
    if (event.data.name === 'fail') throw new Error(`cannot handle ${event.id}`);
    if (event.data.name === 'hang' && recorder.shared.hangs++ === 0) await recorder.shared.released;
    if (event.data.name === 'slow') await new Promise((resolve) => setTimeout(resolve, recorder.shared.slowMs));
    recorder.handled.push({
      instance: recorder.instance,
      id: event.id,
      name: event.data.name,
      redelivered: message.fields.redelivered,
      attempt: message.properties.headers?.['x-plinth-attempt'],
    });
  }
}
