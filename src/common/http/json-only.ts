import type { IncomingHttpHeaders } from 'node:http';

/**
 * JSON in (docs/api.md, Conventions). Whether a request carries a body the API will not read:
 * any body whose media type is not `application/json` (parameters such as a charset allowed, in
 * any letter case), or that has no Content-Type at all. Checked before any parser runs, so a
 * form-encoded, multipart or `text/plain` body — the three an HTML form on another site can make
 * a visitor's browser send without a CORS preflight — never reaches a route. `application/*+json`
 * is refused as well: no client of this API needs it, and one media type is one parser to trust.
 * A request without a body (no Content-Length, or 0, and no Transfer-Encoding) is not judged.
 */
export function isNonJsonBody(headers: IncomingHttpHeaders): boolean {
  const hasBody =
    headers['transfer-encoding'] !== undefined ||
    (headers['content-length'] !== undefined && headers['content-length'] !== '0');
  if (!hasBody) return false;
  return mediaTypeOf(headers['content-type']) !== 'application/json';
}

function mediaTypeOf(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  const end = contentType.indexOf(';');
  return (end === -1 ? contentType : contentType.slice(0, end)).trim().toLowerCase();
}
