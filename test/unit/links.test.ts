/** Signed links: an audience in what is signed, and a key that can be rotated without an outage. */
import { createHmac } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { keyTag, newLinkId, signLink, verifyLink } from '../../shared/domain/links.js';

const OLD = 'old-key-old-key-old-key-old-key-old-key';
const NEW = 'new-key-new-key-new-key-new-key-new-key';

describe('signed links', () => {
  const id = newLinkId();

  it('open for the audience they were signed for, and for no other', () => {
    const patient = signLink(id, 'patient', NEW);
    expect(verifyLink(patient, 'patient', { current: NEW })).toBe(id);
    expect(verifyLink(patient, 'staff', { current: NEW })).toBeNull();
    expect(verifyLink(signLink(id, 'staff', NEW), 'patient', { current: NEW })).toBeNull();
  });

  it('signed with the previous key still work after a rotation, and not after the next one', () => {
    const link = signLink(id, 'patient', OLD);
    expect(verifyLink(link, 'patient', { current: NEW, previous: OLD })).toBe(id);
    expect(verifyLink(link, 'patient', { current: 'third-key-third-key-third-key-third', previous: NEW })).toBeNull();
    // New links are signed with the current key and name it.
    expect(signLink(id, 'patient', NEW).split('.')[1]![0]).toBe(keyTag(NEW));
    // As long as the links before it: 16 + 1 + 16 characters.
    expect(signLink(id, 'patient', NEW)).toHaveLength(33);
  });

  it("have one spelling: the signature's unused low bits changed, the link is refused", () => {
    // 11 bytes in 15 base64url characters: the last character carries 4 bits and 2 unused ones.
    const link = signLink(newLinkId(), 'staff', NEW);
    const last = link.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sameBits = alphabet[alphabet.indexOf(last) ^ 1]!;
    expect(verifyLink(link.slice(0, -1) + sameBits, 'staff', { current: NEW })).toBeNull();
  });

  it('refuse anything altered, the old unversioned form, and made-up ones', () => {
    const link = signLink(id, 'staff', NEW);
    const [linkId, signature] = link.split('.') as [string, string];
    const flipped = signature.slice(0, -1) + (signature.endsWith('A') ? 'B' : 'A');
    const unversioned = `${linkId}.${createHmac('sha256', NEW).update(`link:${linkId}`).digest().subarray(0, 12).toString('base64url')}`;
    for (const bad of [`${linkId}.${flipped}`, `${newLinkId()}.${signature}`, unversioned, '', 'x.y'])
      expect(verifyLink(bad, 'staff', { current: NEW, previous: OLD })).toBeNull();
  });
});

describe('a container that has not seen the new key yet', () => {
  it('reads the keys again, once, for a link naming a key it does not hold, and not for one naming a key it does', async () => {
    const { installAdapters, resetAdapters } = await import('../../shared/ports/index.js');
    const { linkId } = await import('../../shared/services/links.js');
    const reads: boolean[] = [];
    installAdapters({
      linkKeys: {
        // Cached: the key before the rotation. Read again: the new one, the old one previous.
        keyring: async ({ refresh = false } = {}) => (reads.push(refresh), refresh ? { current: NEW, previous: OLD } : { current: OLD }),
      },
    });
    try {
      const id = newLinkId();
      expect(await linkId(signLink(id, 'patient', NEW), 'patient')).toBe(id);
      expect(reads).toEqual([false, true]);
      // Tampered with, under a key it holds: refused without another read.
      reads.length = 0;
      const good = signLink(id, 'patient', OLD);
      const forged = good.slice(0, -1) + (good.endsWith('A') ? 'B' : 'A');
      expect(await linkId(forged, 'patient')).toBeNull();
      expect(reads).toEqual([false]);
    } finally {
      resetAdapters();
    }
  });
});
