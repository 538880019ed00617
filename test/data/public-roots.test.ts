import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { it } from 'node:test';
import { isPublicRootSubject } from '../../src/data/public-roots.js';

it("finds every root of Node's store by its own subject, and no made-up name", () => {
  for (const pem of rootCertificates) {
    const subject = new X509Certificate(pem).subject.replace(/\n/g, ', ');
    assert.equal(isPublicRootSubject(subject), true, subject);
  }
  assert.equal(isPublicRootSubject('DC=corp, DC=example, CN=Corp Root CA'), false);
  assert.equal(
    isPublicRootSubject('C=US, O=Internet Security Research Group, CN=ISRG Root X2 (fake)'),
    false,
  );
  // Same common name, other attributes: not the public root.
  assert.equal(isPublicRootSubject('O=Corp, CN=ISRG Root X1'), false);
});
