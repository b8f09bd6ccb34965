// Identifiers shaped like Fly's: 14-hex machine ids, ULID instance ids (they sort by time),
// 6PN private addresses and lease nonces.
import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function machineId(): string {
  return randomBytes(7).toString('hex');
}

/** A ULID: 48-bit millisecond time then 80 random bits, Crockford base32. */
export function ulid(now = Date.now()): string {
  let time = '';
  let rest = now;
  for (let index = 0; index < 10; index += 1) {
    time = CROCKFORD[rest % 32] + time;
    rest = Math.floor(rest / 32);
  }
  const random = [...randomBytes(16)].map((byte) => CROCKFORD[byte % 32]).join('');
  return time + random;
}

export function leaseNonce(): string {
  return randomBytes(6).toString('hex');
}

export function privateIp(): string {
  const group = (): string =>
    randomBytes(2)
      .toString('hex')
      .replace(/^0+(?=.)/, '');
  return `fdaa:0:3ec2:a7b:${group()}:${group()}:${group()}:2`;
}

/** A release id like the ones flyctl writes into machine metadata. */
export function releaseId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(16)].map((byte) => alphabet[byte % alphabet.length]).join('');
}
