/**
 * What xfreerdp itself prints when a connection fails at each step, as seen against real servers
 * and the lab on loopback. FreeRDP's error names come from its error table (freerdp-errors.ts);
 * which one a given failure produces is not documented, so these rows are observations, and
 * test/integration/client-predictions.test.ts runs xfreerdp again for each of them.
 *
 * Observed with xfreerdp 2.11.7 (Debian 12 freerdp2-x11, OpenSSL 3.0), `+auth-only /cert:ignore`,
 * 2026-12-02. FreeRDP 3 was not available to run; its rows are not claimed.
 */

/** The server-side situations a diagnose rule predicts a FreeRDP error for. */
export type FreerdpSituation =
  | 'tcp-refused'
  | 'listener-closes'
  | 'listener-resets'
  | 'listener-silent'
  | 'answers-garbage'
  | 'answers-http'
  | 'answers-ssh-banner'
  | 'tls-aborted'
  | 'tls-alert'
  | 'tls-legacy-only';

export interface FreerdpObservation {
  readonly situation: FreerdpSituation;
  /**
   * The ERRCONNECT_* names xfreerdp set across runs, most frequent first; empty when it prints none
   * (it keeps waiting). More than one where timing decides (a reset before or after connect returns).
   */
  readonly errors: readonly string[];
  /** With more than one error: what decides which one. */
  readonly variesWith?: string;
  /** The FreeRDP function that set the error, as printed before it (the errno text beside it varies). */
  readonly printed: string;
  /** How the situation was made for the observation. */
  readonly setup: string;
}

export const FREERDP_OBSERVED_WITH = 'xfreerdp 2.11.7 (Debian 12, OpenSSL 3.0)';

export const FREERDP_OBSERVATIONS: readonly FreerdpObservation[] = [
  {
    situation: 'tcp-refused',
    // FreeRDP 2's non-blocking connect does not report the refusal; the first write does.
    errors: ['ERRCONNECT_CONNECT_TRANSPORT_FAILED'],
    printed: 'transport_write:freerdp_set_last_error_ex',
    setup: 'nothing listening on the port (the kernel answers RST)',
  },
  {
    situation: 'listener-closes',
    errors: ['ERRCONNECT_CONNECT_TRANSPORT_FAILED'],
    printed: 'transport_read_layer:freerdp_set_last_error_ex',
    setup: 'lab scenario closes-immediately',
  },
  {
    situation: 'listener-resets',
    // 3 of 4 runs: the RST arrived while connect was pending (freerdp_tcp_connect); else the first read saw it.
    errors: ['ERRCONNECT_CONNECT_FAILED', 'ERRCONNECT_CONNECT_TRANSPORT_FAILED'],
    variesWith: 'whether the reset arrives before the connect completes',
    printed: 'freerdp_set_last_error_ex',
    setup: 'lab scenario resets-immediately',
  },
  {
    situation: 'listener-silent',
    errors: [],
    printed: 'nothing after "Authentication only": still waiting after 150 s, also with /timeout:3000',
    setup: 'lab scenario silent',
  },
  {
    situation: 'answers-garbage',
    // The lab's bytes are random: one run ended in the transport read, another in negotiation.
    errors: ['ERRCONNECT_CONNECT_TRANSPORT_FAILED', 'ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED'],
    variesWith: 'the bytes the server sends',
    printed: 'freerdp_set_last_error_ex',
    setup: 'lab scenario garbage',
  },
  {
    situation: 'answers-http',
    errors: ['ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED'],
    printed: 'rdp_client_connect:freerdp_set_last_error_ex',
    setup: 'lab scenario http',
  },
  {
    situation: 'answers-ssh-banner',
    errors: [],
    printed: 'nothing after "Authentication only": waits for the rest of a TPKT header',
    setup: 'lab scenario ssh',
  },
  {
    situation: 'tls-aborted',
    errors: ['ERRCONNECT_TLS_CONNECT_FAILED'],
    printed: 'transport_connect_tls:freerdp_set_last_error_ex',
    setup: 'lab scenario tls-handshake-aborted (TLS selected, connection dropped on the ClientHello)',
  },
  {
    situation: 'tls-alert',
    errors: ['ERRCONNECT_TLS_CONNECT_FAILED'],
    printed: 'transport_connect_tls:freerdp_set_last_error_ex',
    setup: 'lab scenario tls-alert (handshake_failure alert to the ClientHello)',
  },
  {
    situation: 'tls-legacy-only',
    errors: ['ERRCONNECT_TLS_CONNECT_FAILED'],
    printed: 'transport_connect_tls:freerdp_set_last_error_ex',
    setup: 'xrdp with ssl_protocols=TLSv1 (and =TLSv1.1), tls_ciphers=DEFAULT@SECLEVEL=0',
  },
];

export function freerdpObservation(situation: FreerdpSituation): FreerdpObservation {
  const found = FREERDP_OBSERVATIONS.find((entry) => entry.situation === situation);
  // INVARIANT: every situation has a row (the type lists only those the table has).
  if (!found) throw new Error(`no FreeRDP observation for ${situation}`);
  return found;
}
