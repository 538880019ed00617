import { inspect } from 'node:util';

/**
 * Credentials for the opt-in logon check (`diagnose HOST --user`). The password is UTF-16LE bytes
 * in a Buffer that is never turned into a JS string (strings cannot be wiped and end up in heap
 * dumps and error messages). `wipeCredentials` zero-fills it once the one attempt is over.
 *
 * Both the object and its password Buffer render as "[redacted]" through JSON.stringify,
 * util.inspect (console.log, assertion messages) and String(): a stray log line cannot leak it.
 */
export const REDACTED = '[redacted]';

export interface Credentials {
  /** As typed: `DOMAIN\name`, `name@domain` or `name`. Not secret. */
  readonly user: string;
  readonly userName: string;
  /** '' when none was given (a local account of the server). */
  readonly domain: string;
  /** UTF-16LE; zero-filled by wipeCredentials. */
  readonly password: Buffer;
}

export interface ParsedUser {
  readonly user: string;
  readonly userName: string;
  readonly domain: string;
}

/**
 * `DOMAIN\name`, `name@domain` or `name`. A UPN stays whole as the user name with an empty
 * domain, as mstsc sends it (MS-NLMP 3.1.5.1.2). The CLI has already refused malformed text.
 */
export function parseUser(text: string): ParsedUser {
  const user = text.trim();
  const backslash = user.indexOf('\\');
  if (backslash < 0) return { user, userName: user, domain: '' };
  return { user, userName: user.slice(backslash + 1), domain: user.slice(0, backslash) };
}

/** Makes `buffer` render as "[redacted]" wherever a Buffer would show its bytes. */
export function redactBuffer(buffer: Buffer): Buffer {
  for (const key of ['toJSON', 'toString', 'toLocaleString', inspect.custom] as const) {
    Object.defineProperty(buffer, key, { value: () => REDACTED, enumerable: false });
  }
  return buffer;
}

/**
 * Builds Credentials from a parsed user and the password's UTF-16LE bytes. The Buffer is taken
 * over, not copied: the caller must not keep another reference it forgets to wipe.
 */
export function withPassword(user: ParsedUser, passwordUtf16: Buffer): Credentials {
  const credentials = {
    user: user.user,
    userName: user.userName,
    domain: user.domain,
    password: redactBuffer(passwordUtf16),
  };
  const shown = { user: user.user, password: REDACTED };
  Object.defineProperty(credentials, 'toJSON', { value: () => shown, enumerable: false });
  Object.defineProperty(credentials, inspect.custom, {
    value: () => `Credentials { user: ${JSON.stringify(user.user)}, password: ${REDACTED} }`,
    enumerable: false,
  });
  // Object spread or Object.entries would otherwise copy the password out under its own name.
  Object.defineProperty(credentials, 'password', { enumerable: false, writable: false });
  return Object.freeze(credentials);
}

/** Zero-fills the password; safe to call twice. */
export function wipeCredentials(credentials: Credentials): void {
  credentials.password.fill(0);
}
