import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { APPLE_RECEIPT_SIGNING_OID, APPLE_WWDR_INTERMEDIATE_OID, encodeOid } from '../apple-jws.js';

/** DER, enough of it to write X.509 certificates. */
function tlv(tag: number, content: Buffer): Buffer {
  const length = content.length;
  const header = length < 0x80 ? Buffer.from([tag, length]) : length < 0x100 ? Buffer.from([tag, 0x81, length]) : Buffer.from([tag, 0x82, length >> 8, length & 0xff]);
  return Buffer.concat([header, content]);
}
const sequence = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));
/** A small non-negative INTEGER in its shortest form, as DER requires. */
function integer(value: number): Buffer {
  const bytes = [value & 0xff];
  for (let rest = value >> 8; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return tlv(0x02, Buffer.from(bytes));
}
const octets = (content: Buffer) => tlv(0x04, content);
const bits = (content: Buffer) => tlv(0x03, Buffer.concat([Buffer.from([0]), content]));
const utf8 = (text: string) => tlv(0x0c, Buffer.from(text, 'utf8'));
const explicit = (number: number, content: Buffer) => tlv(0xa0 + number, content);

const oid = (dotted: string) => tlv(0x06, encodeOid(dotted));

/** GeneralizedTime, which every year may use. */
const time = (at: Date) => tlv(0x18, Buffer.from(`${at.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`, 'ascii'));
const name = (commonName: string) => sequence(set(sequence(oid('2.5.4.3'), utf8(commonName))));
const ECDSA_WITH_SHA256 = sequence(oid('1.2.840.10045.4.3.2'));

export interface TestCertificate {
  der: Buffer;
  pem: string;
  key: KeyObject;
  commonName: string;
}

export interface CertificateSpec {
  commonName: string;
  /** The certificate that signs this one; none for a self-signed root. */
  issuer?: TestCertificate;
  ca?: boolean;
  /** Marker extensions, such as Apple's receipt-signing OID. */
  oids?: string[];
  notBefore?: Date;
  notAfter?: Date;
}

let serial = 1;

/** A real X.509 certificate with a fresh P-256 key, signed by its issuer's key (or its own). */
export function makeCertificate(spec: CertificateSpec): TestCertificate {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const extensions = [
    sequence(oid('2.5.29.19'), tlv(0x01, Buffer.from([0xff])), octets(sequence(...(spec.ca ? [tlv(0x01, Buffer.from([0xff]))] : [])))),
    ...(spec.oids ?? []).map((marker) => sequence(oid(marker), octets(Buffer.from([0x05, 0x00])))),
  ];
  const tbs = sequence(
    explicit(0, integer(2)),
    integer((serial += 1)),
    ECDSA_WITH_SHA256,
    name(spec.issuer?.commonName ?? spec.commonName),
    sequence(time(spec.notBefore ?? new Date(Date.now() - 86_400_000)), time(spec.notAfter ?? new Date(Date.now() + 365 * 86_400_000))),
    name(spec.commonName),
    publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, sequence(...extensions)),
  );
  const der = sequence(tbs, ECDSA_WITH_SHA256, bits(sign('sha256', tbs, spec.issuer?.key ?? privateKey)));
  const pem = `-----BEGIN CERTIFICATE-----\n${der
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n')}\n-----END CERTIFICATE-----\n`;
  return { der, pem, key: privateKey, commonName: spec.commonName };
}

/** A chain shaped as Apple's: a root, a WWDR-marked intermediate CA, and a receipt-signing leaf. */
export interface TestChain {
  root: TestCertificate;
  intermediate: TestCertificate;
  leaf: TestCertificate;
}

export function makeAppleLikeChain(overrides: { root?: TestCertificate; leaf?: Partial<CertificateSpec>; intermediate?: Partial<CertificateSpec> } = {}): TestChain {
  const root = overrides.root ?? makeCertificate({ commonName: 'Test Root CA - G3', ca: true });
  const intermediate = makeCertificate({ commonName: 'Test WWDR - G6', issuer: root, ca: true, oids: [APPLE_WWDR_INTERMEDIATE_OID], ...overrides.intermediate });
  const leaf = makeCertificate({ commonName: 'Test Prod ECC Mac App Store and iTunes Store Receipt Signing', issuer: intermediate, oids: [APPLE_RECEIPT_SIGNING_OID], ...overrides.leaf });
  return { root, intermediate, leaf };
}

/** Signs `payload` as the App Store does: ES256 by the leaf, the chain in x5c (standard base64, leaf first). */
export function signAsAppStore(payload: unknown, chain: TestChain, options: { withRoot?: boolean } = {}): string {
  const certificates = options.withRoot === false ? [chain.leaf, chain.intermediate] : [chain.leaf, chain.intermediate, chain.root];
  const header = Buffer.from(JSON.stringify({ alg: 'ES256', x5c: certificates.map((cert) => cert.der.toString('base64')) })).toString('base64url');
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const signature = sign('sha256', Buffer.from(`${header}.${body}`), { key: chain.leaf.key, dsaEncoding: 'ieee-p1363' });
  return `${header}.${body}.${signature.toString('base64url')}`;
}
