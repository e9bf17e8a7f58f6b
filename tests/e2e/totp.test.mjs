// Unit check of the TOTP helper against RFC 6238 Appendix B (SHA-1 vectors).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { totp, base32Decode } from './totp.mjs';

const key = Buffer.from('12345678901234567890', 'ascii');

test('RFC 6238 SHA-1 vectors (8 digits)', () => {
  const vectors = [
    [59, '94287082'], [1111111109, '07081804'], [1111111111, '14050471'],
    [1234567890, '89005924'], [2000000000, '69279037'], [20000000000, '65353130'],
  ];
  for (const [t, code] of vectors) assert.equal(totp(key, { time: t, digits: 8 }), code, `T=${t}`);
});

test('base32 secret gives the same code as the raw key', () => {
  // base32("12345678901234567890")
  const b32 = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
  assert.deepEqual(base32Decode(b32), key);
  assert.equal(totp(b32, { time: 59, digits: 8 }), '94287082');
  assert.equal(totp(b32.toLowerCase().replace(/(.{4})/g, '$1 '), { time: 59 }), '287082');
});
