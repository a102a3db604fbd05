import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsNotEmpty, IsObject, IsString, IsUUID, Matches, Min, ValidateNested } from 'class-validator';
import { IsWellFormedText } from './well-formed-text.js';

/** Every event on `plinth.events` travels in this envelope; `data` is the event-specific payload. */
export interface EventEnvelope<TData = unknown> {
  id: string;
  type: string;
  version: number;
  occurredAt: string;
  source: string;
  correlationId: string;
  data: TData;
}

/** Validation rules for the envelope; concrete events subclass it with a typed `data`. */
export abstract class EventEnvelopeDto<TData extends object> implements EventEnvelope<TData> {
  @IsUUID() id: string;
  @IsString() @IsWellFormedText() @Matches(/^[a-z]+(\.[a-z-]+)+$/) type: string;
  @IsInt() @Min(1) version: number;
  @IsISO8601({ strict: true }) occurredAt: string;
  @IsString() @IsWellFormedText() @IsNotEmpty() source: string;
  @IsString() @IsWellFormedText() @IsNotEmpty() correlationId: string;
  abstract data: TData;
}

/** Declares the typed, validated `data` of an event class. */
export const EventData = (cls: () => new () => object): PropertyDecorator => {
  const validators = [IsObject(), ValidateNested(), Type(cls)];
  return (target, key) => validators.forEach((decorate) => decorate(target, key));
};
