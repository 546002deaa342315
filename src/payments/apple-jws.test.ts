import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { AppleSignatureError, verifyAppleJws } from './apple-jws.js';
import { appleRootCertificate } from './apple-root-ca.js';
import { makeAppleLikeChain, makeCertificate, signAsAppStore } from './testing/apple-pki.js';

const DAY_MS = 86_400_000;
const now = new Date();
const chain = makeAppleLikeChain();
const trustedRoots = [new X509Certificate(chain.root.pem)];
const payload = { transactionId: '2000000812345678', productId: 'com.example.coins700' };

const refusedWith = (jws: string, message: RegExp, roots = trustedRoots) =>
  assert.throws(
    () => verifyAppleJws(jws, { trustedRoots: roots, at: now }),
    (error) => error instanceof AppleSignatureError && message.test(error.message),
  );

describe('Apple signed data (JWS with an x5c chain)', () => {
  it("ships Apple Root CA - G3 with Apple's published SHA-256 fingerprint", () => {
    const root = appleRootCertificate();
    assert.equal(
      createHash('sha256').update(root.raw).digest('hex').toUpperCase().match(/../g)!.join(':'),
      '63:34:3A:BF:B8:9A:6A:03:EB:B5:7E:9B:3F:5F:A7:BE:7C:4F:5C:75:6F:30:17:B3:A8:C4:88:C3:65:3E:91:79',
    );
    assert.match(root.subject, /CN=Apple Root CA - G3/);
    assert.equal(root.ca, true);
  });

  it('answers the payload of a JWS signed by a leaf chained to the trusted root', () => {
    assert.deepEqual(verifyAppleJws(signAsAppStore(payload, chain), { trustedRoots, at: now }), payload);
    // The root may be left out of x5c, as it is the trusted one; another root in its place is refused.
    assert.deepEqual(verifyAppleJws(signAsAppStore(payload, chain, { withRoot: false }), { trustedRoots, at: now }), payload);
    refusedWith(signAsAppStore(payload, { ...chain, root: makeCertificate({ commonName: 'Other Root', ca: true }) }), /root certificate it names is not the trusted root/);
  });

  it('refuses a chain that leads to another root, even one whose root names itself after the trusted one', () => {
    refusedWith(signAsAppStore(payload, makeAppleLikeChain()), /does not lead to a trusted root/);
    refusedWith(signAsAppStore(payload, chain), /does not lead to a trusted root/, [appleRootCertificate()]);
    const impostor = makeCertificate({ commonName: chain.root.commonName, ca: true });
    refusedWith(signAsAppStore(payload, makeAppleLikeChain({ root: impostor })), /does not lead to a trusted root/);
  });

  it('refuses a payload changed after signing, and a signature by a key the leaf does not hold', () => {
    const [header, , signature] = signAsAppStore(payload, chain).split('.') as [string, string, string];
    const changed = Buffer.from(JSON.stringify({ ...payload, productId: 'com.example.coins7000' })).toString('base64url');
    refusedWith(`${header}.${changed}.${signature}`, /signature does not match/);
    const otherLeaf = makeCertificate({ commonName: 'other', issuer: chain.intermediate });
    refusedWith(signAsAppStore(payload, { ...chain, leaf: { ...chain.leaf, key: otherLeaf.key } }), /signature does not match/);
  });

  it('refuses a leaf not issued by the intermediate in the chain', () => {
    const stranger = makeAppleLikeChain({ root: chain.root });
    refusedWith(signAsAppStore(payload, { ...chain, leaf: stranger.leaf }), /leaf certificate was not issued by its intermediate/);
  });

  it('refuses an expired or not yet valid certificate at any place in the chain', () => {
    const expired = { notBefore: new Date(now.getTime() - 400 * DAY_MS), notAfter: new Date(now.getTime() - DAY_MS) };
    refusedWith(signAsAppStore(payload, makeAppleLikeChain({ root: chain.root, leaf: expired })), /leaf certificate expired/);
    refusedWith(signAsAppStore(payload, makeAppleLikeChain({ root: chain.root, intermediate: expired })), /intermediate certificate expired/);
    refusedWith(signAsAppStore(payload, makeAppleLikeChain({ root: chain.root, leaf: { notBefore: new Date(now.getTime() + DAY_MS) } })), /leaf certificate is not valid before/);
  });

  it("refuses certificates without Apple's markers: a leaf that is not a receipt-signing one, an intermediate that is not WWDR or not a CA", () => {
    refusedWith(signAsAppStore(payload, makeAppleLikeChain({ root: chain.root, leaf: { oids: [] } })), /not Apple's App Store receipt-signing certificate/);
    refusedWith(signAsAppStore(payload, makeAppleLikeChain({ root: chain.root, intermediate: { oids: [] } })), /not Apple's WWDR intermediate/);
    refusedWith(signAsAppStore(payload, makeAppleLikeChain({ root: chain.root, intermediate: { ca: false } })), /not a certificate authority/);
  });

  it('refuses what is not an ES256 JWS with a chain', () => {
    const [, body, signature] = signAsAppStore(payload, chain).split('.') as [string, string, string];
    const headerOf = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    refusedWith(`${headerOf({ alg: 'HS256', x5c: [] })}.${body}.${signature}`, /not ES256/);
    refusedWith(`${headerOf({ alg: 'ES256' })}.${body}.${signature}`, /x5c certificate chain is missing/);
    refusedWith(`${headerOf({ alg: 'ES256', x5c: ['bm90IGEgY2VydA==', 'bm90IGEgY2VydA=='] })}.${body}.${signature}`, /cannot be read/);
    refusedWith('not-a-jws', /not a compact JWS/);
  });
});
