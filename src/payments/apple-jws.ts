import { verify, X509Certificate } from 'node:crypto';

/** Apple's marker on the leaf certificate that signs App Store transactions and notifications. */
export const APPLE_RECEIPT_SIGNING_OID = '1.2.840.113635.100.6.11.1';
/** Apple's marker on its Worldwide Developer Relations intermediate certificate. */
export const APPLE_WWDR_INTERMEDIATE_OID = '1.2.840.113635.100.6.2.1';

/** A signature, a certificate or a chain Apple did not make: what exactly is in the message. */
export class AppleSignatureError extends Error {
  override readonly name = 'AppleSignatureError';
}

interface Tlv {
  tag: number;
  /** Where the value starts and ends in the buffer. */
  start: number;
  end: number;
}

/** One DER element at `offset`. */
function readTlv(der: Buffer, offset: number): Tlv {
  if (offset + 2 > der.length) throw new AppleSignatureError('a certificate is truncated');
  const tag = der[offset]!;
  let length = der[offset + 1]!;
  let start = offset + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4 || start + bytes > der.length) throw new AppleSignatureError('a certificate has a malformed length');
    length = 0;
    for (let index = 0; index < bytes; index += 1) length = length * 256 + der[start + index]!;
    start += bytes;
  }
  if (start + length > der.length) throw new AppleSignatureError('a certificate is truncated');
  return { tag, start, end: start + length };
}

function children(der: Buffer, parent: Tlv): Tlv[] {
  const found: Tlv[] = [];
  for (let offset = parent.start; offset < parent.end;) {
    const child = readTlv(der, offset);
    found.push(child);
    offset = child.end;
  }
  return found;
}

/** The DER content bytes of an object identifier such as 1.2.840.113635.100.6.11.1. */
export function encodeOid(oid: string): Buffer {
  const [first = 0, second = 0, ...rest] = oid.split('.').map(Number);
  const bytes = [40 * first + second];
  for (const arc of rest) {
    const groups = [arc & 0x7f];
    for (let value = Math.floor(arc / 128); value > 0; value = Math.floor(value / 128)) groups.unshift((value & 0x7f) | 0x80);
    bytes.push(...groups);
  }
  return Buffer.from(bytes);
}

/**
 * The object identifiers of a certificate's extensions. Node's X509Certificate does not list them,
 * so the TBSCertificate is walked: its extensions are the explicit [3] field.
 */
function extensionOids(certificate: X509Certificate): Buffer[] {
  const der = certificate.raw;
  const [tbs] = children(der, readTlv(der, 0));
  const extensions = tbs === undefined ? undefined : children(der, tbs).find((field) => field.tag === 0xa3);
  if (extensions === undefined) return [];
  const [list] = children(der, extensions);
  if (list === undefined) return [];
  return children(der, list).flatMap((extension) => {
    const [oid] = children(der, extension);
    return oid?.tag === 0x06 ? [der.subarray(oid.start, oid.end)] : [];
  });
}

const hasExtension = (certificate: X509Certificate, oid: string): boolean => extensionOids(certificate).some((found) => found.equals(encodeOid(oid)));

function certificate(base64: unknown, which: string): X509Certificate {
  if (typeof base64 !== 'string') throw new AppleSignatureError(`the ${which} certificate is missing`);
  try {
    return new X509Certificate(Buffer.from(base64, 'base64'));
  } catch {
    throw new AppleSignatureError(`the ${which} certificate cannot be read`);
  }
}

function assertValidAt(cert: X509Certificate, which: string, at: Date): void {
  if (at.getTime() < Date.parse(cert.validFrom)) throw new AppleSignatureError(`the ${which} certificate is not valid before ${new Date(cert.validFrom).toISOString()}`);
  if (at.getTime() > Date.parse(cert.validTo)) throw new AppleSignatureError(`the ${which} certificate expired at ${new Date(cert.validTo).toISOString()}`);
}

const signedBy = (cert: X509Certificate, issuer: X509Certificate): boolean => cert.checkIssued(issuer) && cert.verify(issuer.publicKey);

/**
 * Verifies a compact JWS Apple signed (a signed transaction, a notification's signedPayload) and
 * answers its payload. The x5c chain must be leaf, intermediate and (optionally) root: the
 * intermediate signed by one of `trustedRoots`, the leaf by the intermediate, each certificate valid
 * `at` that moment, the intermediate a CA with Apple's WWDR marker, the leaf with Apple's
 * receipt-signing marker, and the JWS signed (ES256) by the leaf's key.
 */
export function verifyAppleJws(jws: string, options: { trustedRoots: readonly X509Certificate[]; at: Date }): unknown {
  const parts = jws.split('.');
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]+$/.test(part))) throw new AppleSignatureError('it is not a compact JWS');
  const [encodedHeader, encodedPayload, encodedSignature] = parts as [string, string, string];
  let header: { alg?: unknown; x5c?: unknown };
  try {
    header = JSON.parse(Buffer.from(encodedHeader, 'base64url').toString('utf8')) as typeof header;
  } catch {
    throw new AppleSignatureError('its header cannot be read');
  }
  if (header.alg !== 'ES256') throw new AppleSignatureError(`it is signed with ${String(header.alg)}, not ES256`);
  if (!Array.isArray(header.x5c) || header.x5c.length < 2 || header.x5c.length > 3) throw new AppleSignatureError('its x5c certificate chain is missing or incomplete');
  const leaf = certificate(header.x5c[0], 'leaf');
  const intermediate = certificate(header.x5c[1], 'intermediate');
  const root = options.trustedRoots.find((trusted) => signedBy(intermediate, trusted));
  if (root === undefined) throw new AppleSignatureError('its certificate chain does not lead to a trusted root (Apple Root CA - G3)');
  if (header.x5c.length === 3 && !certificate(header.x5c[2], 'root').raw.equals(root.raw)) throw new AppleSignatureError('the root certificate it names is not the trusted root');
  if (!signedBy(leaf, intermediate)) throw new AppleSignatureError('its leaf certificate was not issued by its intermediate');
  if (!intermediate.ca) throw new AppleSignatureError('its intermediate certificate is not a certificate authority');
  for (const [cert, which] of [
    [leaf, 'leaf'],
    [intermediate, 'intermediate'],
    [root, 'root'],
  ] as const) {
    assertValidAt(cert, which, options.at);
  }
  if (!hasExtension(intermediate, APPLE_WWDR_INTERMEDIATE_OID)) throw new AppleSignatureError("its intermediate certificate is not Apple's WWDR intermediate");
  if (!hasExtension(leaf, APPLE_RECEIPT_SIGNING_OID)) throw new AppleSignatureError("its leaf certificate is not Apple's App Store receipt-signing certificate");
  const signature = Buffer.from(encodedSignature, 'base64url');
  const valid =
    leaf.publicKey.asymmetricKeyDetails?.namedCurve === 'prime256v1' &&
    signature.length === 64 &&
    verify('sha256', Buffer.from(`${encodedHeader}.${encodedPayload}`), { key: leaf.publicKey, dsaEncoding: 'ieee-p1363' }, signature);
  if (!valid) throw new AppleSignatureError('its signature does not match its content');
  try {
    return JSON.parse(Buffer.from(encodedPayload, 'base64url').toString('utf8'));
  } catch {
    throw new AppleSignatureError('its payload cannot be read');
  }
}

/** Every certificate of a PEM bundle. */
export function certificatesOf(pem: string): X509Certificate[] {
  return (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((one) => new X509Certificate(one));
}
