import { Global, Injectable, Module } from '@nestjs/common';
import { HealthIndicatorService, TerminusModule, type HealthIndicatorResult } from '@nestjs/terminus';

interface ReadinessGate {
  isOpen: () => boolean;
  /** Why the replica is not ready while the gate is closed (shown under `error` in /readyz). */
  whileClosed: string;
}

/**
 * Conditions of the app's own that /readyz waits for, next to broker, database and revocations: e.g. orders' price
 * read model being filled from catalog. An app registers a gate from its providers' constructors.
 */
@Injectable()
export class ReadinessGates {
  private readonly gates = new Map<string, ReadinessGate>();

  constructor(private readonly health: HealthIndicatorService) {}

  register(key: string, gate: ReadinessGate): void {
    this.gates.set(key, gate);
  }

  indicators(): (() => HealthIndicatorResult)[] {
    return [...this.gates].map(([key, gate]) => () => {
      const indicator = this.health.check(key);
      return gate.isOpen() ? indicator.up() : indicator.down({ message: gate.whileClosed });
    });
  }
}

/** Global, so that the app's feature modules (imported below the root) register gates the root's /readyz reads. */
@Global()
@Module({ imports: [TerminusModule], providers: [ReadinessGates], exports: [ReadinessGates] })
export class ReadinessGatesModule {}
