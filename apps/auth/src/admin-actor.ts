import { ApplicationError, ErrorCodes, isAdmin, type Actor } from '@plinth/contracts';

/** Admin-only operations refuse everyone else outright: there is no object a non-admin could own here. */
export function assertAdmin(actor: Actor): void {
  if (!isAdmin(actor)) throw new ApplicationError(ErrorCodes.FORBIDDEN, 'Only administrators may do this');
}
