import { IsDefined, ValidateIf } from 'class-validator';

/**
 * Optional while developing, required when NODE_ENV=production (the images, every k8s overlay), with a start-up error
 * that says why: for settings whose absence would quietly weaken a deployment instead of failing it. Also makes the
 * property's other validators run only when it is set (or required), so it replaces `@IsOptional()`.
 */
export function RequiredInProduction(why: string): PropertyDecorator {
  return (target, propertyKey) => {
    ValidateIf((config: { NODE_ENV?: string }, value: unknown) => value !== undefined || config.NODE_ENV === 'production')(target, propertyKey);
    IsDefined({ message: `${String(propertyKey)} must be set when NODE_ENV=production: ${why}` })(target, propertyKey);
  };
}
