// The wire of the test services: patterns, events and DTOs, kept in one place like @plinth/contracts.
import { EventData, EventEnvelopeDto } from '@plinth/contracts';
import { IsInt, IsString, Max, Min } from 'class-validator';
import type { Topology } from '../../src/index.js';

export const CalcRpc = {
  add: 'calc.add',
  sleep: 'calc.sleep',
  refuse: 'calc.refuse',
  crash: 'calc.crash',
  missing: 'calc.missing',
  requestId: 'calc.request-id',
} as const;

export const TestEvents = {
  thingHappened: 'test.thing.happened',
  auditOnly: 'test.audit.only',
} as const;

export const testTopology: Topology = {
  eventsExchange: 'plinth.events',
  rpcServices: ['calc'],
  durableSubscriptions: {
    audit: [TestEvents.thingHappened, TestEvents.auditOnly],
    mailer: [TestEvents.thingHappened],
  },
  broadcastSubscriptions: { edge: [TestEvents.thingHappened] },
  eventPublishers: { calc: [TestEvents.thingHappened, TestEvents.auditOnly] },
  rpcCalls: { edge: ['calc'], caller: ['calc'], audit: ['calc'] },
};

export class AddRequest {
  @IsInt() a: number;
  @IsInt() @Min(0) @Max(1000) b: number;
}

export class SleepRequest {
  @IsInt() @Min(0) ms: number;
}

export class ThingData {
  /** Steers the test handler: 'fail' throws, 'hang' blocks, 'slow' takes a while, anything else succeeds. */
  @IsString() name: string;
}

export class ThingHappenedEvent extends EventEnvelopeDto<ThingData> {
  @EventData(() => ThingData) data: ThingData;
}
