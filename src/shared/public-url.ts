/**
 * The server's public address for links a user copies (an overlay, a stream's server): PUBLIC_URL when the operator set
 * it, else the address the request reached. Fastify reads `protocol` and `host` from X-Forwarded-Proto and
 * X-Forwarded-Host only behind a trusted proxy (TRUST_PROXY), so a client cannot write its own.
 */
export function publicUrlFor(request: { protocol: string; host: string }, config: { publicUrl: string; publicUrlGiven: boolean }): string {
  return config.publicUrlGiven ? config.publicUrl : `${request.protocol}://${request.host}`;
}
