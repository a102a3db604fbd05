import { DECORATORS } from '@nestjs/swagger';
import { nestedDtoOf, validationMetadataOf, type DtoClass, type ValidationMetadata } from './route-dtos.js';

// The request DTOs' class-validator rules, written into their @nestjs/swagger property metadata before the document
// is built: the document states what the server enforces because it is read from the same decorators. A rule this
// table does not know (a custom validator) stays undocumented here; its property should say it in its description.
type SchemaFacts = Record<string, unknown>;

const FACTS_OF_RULE: Readonly<Record<string, (constraints: unknown[]) => SchemaFacts>> = {
  isInt: () => ({ type: 'integer' }),
  isBoolean: () => ({ type: 'boolean' }),
  isString: () => ({ type: 'string' }),
  isUuid: () => ({ type: 'string', format: 'uuid' }),
  isEmail: () => ({ type: 'string', format: 'email' }),
  isIso8601: () => ({ type: 'string', format: 'date-time' }),
  isDateString: () => ({ type: 'string', format: 'date-time' }),
  min: ([minimum]) => ({ minimum }),
  max: ([maximum]) => ({ maximum }),
  minLength: ([minLength]) => ({ minLength }),
  maxLength: ([maxLength]) => ({ maxLength }),
  isNotEmpty: () => ({ minLength: 1 }),
  arrayMinSize: ([minItems]) => ({ minItems }),
  arrayMaxSize: ([maxItems]) => ({ maxItems }),
  matches: ([pattern]) => ({ pattern: pattern instanceof RegExp ? pattern.source : String(pattern) }),
  isIn: ([values]) => ({ enum: values }),
};

// isNotEmpty only raises a lower bound another rule may have set higher (MinLength(12) + IsNotEmpty is 12).
const mergeFacts = (facts: SchemaFacts, more: SchemaFacts): SchemaFacts =>
  'minLength' in more && typeof facts.minLength === 'number'
    ? { ...facts, ...more, minLength: Math.max(facts.minLength, more.minLength as number) }
    : { ...facts, ...more };

const factsOfProperty = (rules: ValidationMetadata[]): SchemaFacts => {
  let facts: SchemaFacts = { required: !rules.some((rule) => rule.name === 'isOptional') };
  let itemFacts: SchemaFacts = {};
  for (const rule of rules) {
    const factsOf = rule.name === undefined ? undefined : FACTS_OF_RULE[rule.name];
    if (!factsOf) continue;
    if (rule.each) itemFacts = mergeFacts(itemFacts, factsOf(rule.constraints ?? []));
    else facts = mergeFacts(facts, factsOf(rule.constraints ?? []));
  }
  // Rules with { each: true } constrain the items of an array property.
  if (Object.keys(itemFacts).length > 0) facts = { ...facts, type: 'array', isArray: true, items: { type: 'string', ...itemFacts } };
  return facts;
};

const documented = new WeakSet<DtoClass>();

/** Writes the rules of these DTOs, and of the DTOs nested in them, into their OpenAPI property metadata (once each). */
export const documentValidationRules = (dtos: Iterable<DtoClass>): void => {
  for (const dto of dtos) {
    if (documented.has(dto)) continue;
    documented.add(dto);
    const byProperty = new Map<string, { declaringClass: DtoClass; rules: ValidationMetadata[] }>();
    for (const rule of validationMetadataOf(dto)) {
      const entry = byProperty.get(rule.propertyName) ?? { declaringClass: rule.target as DtoClass, rules: [] };
      entry.rules.push(rule);
      byProperty.set(rule.propertyName, entry);
    }
    for (const [propertyName, { declaringClass, rules }] of byProperty) {
      const prototype = declaringClass.prototype as object;
      const names: string[] = Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES_ARRAY, prototype) ?? [];
      if (!names.includes(`:${propertyName}`)) Reflect.defineMetadata(DECORATORS.API_MODEL_PROPERTIES_ARRAY, [...names, `:${propertyName}`], prototype);
      const existing: SchemaFacts = Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, prototype, propertyName) ?? {
        type: Reflect.getMetadata('design:type', prototype, propertyName),
      };
      Reflect.defineMetadata(DECORATORS.API_MODEL_PROPERTIES, { ...existing, ...factsOfProperty(rules) }, prototype, propertyName);
      const nested = rules.some((rule) => rule.type === 'nestedValidation') ? nestedDtoOf(dto, propertyName) : undefined;
      if (nested) documentValidationRules([nested]);
    }
  }
};
