/**
 * Paths every service serves for its operators (liveness, readiness, Prometheus scrape). They carry no
 * user data, are called without credentials by orchestrators and scrapers, and stay off request logs;
 * at the edge they are kept from the public by the ingress, which routes only the API and its docs.
 */
export const OPERATIONAL_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);
