import { SetMetadata } from '@nestjs/common';

export const WITHOUT_ACCESS_TOKEN = 'plinth:without-access-token';

/**
 * Marks an RPC handler that is called without an end user's access token: anonymous by nature
 * (register, login, refresh, logout, the JWKS) or made by a service on its own behalf. Every other
 * RPC handler is refused unless its request carries a valid token matching its `actor`
 * (VerifiedCallerGuard), so forgetting this decorator fails closed.
 */
export const WithoutAccessToken = (): MethodDecorator & ClassDecorator => SetMetadata(WITHOUT_ACCESS_TOKEN, true);
