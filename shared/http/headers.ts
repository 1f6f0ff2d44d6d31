/** Headers every answer carries, in one place for the functions and for API Gateway's own answers (infra). */

/** A year, and every subdomain: browsers that have seen the service once never reach it over plain HTTP. */
export const HSTS = 'max-age=31536000; includeSubDomains';
