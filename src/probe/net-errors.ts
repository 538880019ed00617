import type { FailureReason, NetworkErrorInfo } from './types.js';

/** Our own codes for outcomes Node does not report as errors. */
export const ProbeErrorCode = {
  CONNECT_TIMEOUT: 'CONNECT_TIMEOUT',
  READ_TIMEOUT: 'READ_TIMEOUT',
  CLOSED: 'CLOSED',
} as const;

interface NodeSystemError extends Error {
  code?: string;
  address?: string;
  errors?: unknown[];
}

const REASON_BY_CODE: Readonly<Record<string, FailureReason>> = {
  ECONNREFUSED: 'refused',
  ETIMEDOUT: 'timeout',
  CONNECT_TIMEOUT: 'timeout',
  READ_TIMEOUT: 'timeout',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  ECONNABORTED: 'reset',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  EHOSTDOWN: 'unreachable',
  EADDRNOTAVAIL: 'unreachable',
  ENOTFOUND: 'not-found',
  EAI_AGAIN: 'not-found',
  EAI_NONAME: 'not-found',
  ENODATA: 'not-found',
  CLOSED: 'closed',
};

/**
 * Normalises a Node error once, at the edge. `autoSelectFamily` reports an AggregateError whose
 * inner errors carry the addresses tried; the most telling inner code wins (refused beats timeout).
 */
export function normaliseNetworkError(error: unknown, timeoutMs?: number): NetworkErrorInfo {
  const nodeError = error as NodeSystemError;
  const inner = Array.isArray(nodeError?.errors) ? (nodeError.errors as NodeSystemError[]) : [];
  const addresses = inner
    .map((item) => item.address)
    .filter((address): address is string => Boolean(address));
  const code =
    nodeError?.code ??
    inner.find((item) => item.code === 'ECONNREFUSED')?.code ??
    inner.find((item) => item.code)?.code ??
    'UNKNOWN';
  const message = (nodeError?.message || inner[0]?.message || String(error)).split('\n')[0]!;
  return {
    code,
    message,
    ...(addresses.length ? { addresses } : nodeError?.address ? { addresses: [nodeError.address] } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  };
}

export function reasonFor(info: NetworkErrorInfo): FailureReason {
  return REASON_BY_CODE[info.code] ?? 'protocol-error';
}

/** The failure reason for a stage whose exchange ended without a usable answer. */
export function reasonForExchangeEnd(
  outcome: 'closed' | 'reset' | 'timeout' | 'malformed' | string,
): FailureReason {
  switch (outcome) {
    case 'timeout':
      return 'timeout';
    case 'reset':
      return 'reset';
    case 'closed':
      return 'closed';
    default:
      return 'protocol-error';
  }
}
