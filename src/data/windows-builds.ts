/**
 * Windows builds as the NTLM VERSION structure reports them (ProductMajor.Minor.Build), with the
 * release names and the date the last edition sharing the build stops receiving security updates.
 *
 * Builds: /work/shared/reference/credssp.json "build -> Windows release map" (microsoft/hcsshim
 * osversion/windowsbuilds.go; Microsoft release-health). End-of-support dates: Microsoft Lifecycle
 * (https://learn.microsoft.com/lifecycle/products/ and
 * https://learn.microsoft.com/windows/release-health/release-information), the end of extended
 * support or servicing of the longest-lived edition, paid Extended Security Updates excluded.
 *
 * Client and server releases share builds (14393 is Windows 10 1607 and Server 2016), so a build is
 * only called out of support when every edition that shares it is: a conservative reading.
 *
 * `newestTls`: the newest TLS version Schannel on that build can speak at all, with every update
 * (enabled or not): "TLS 1.3 is supported starting in Windows 11 and Windows Server 2022; enabling
 * it on earlier Windows is not safe/supported" (Protocols in TLS/SSL (Schannel SSP),
 * https://learn.microsoft.com/windows/win32/secauthn/protocols-in-tls-ssl--schannel-ssp- , as
 * /work/shared/reference/windows-tls-defaults.json records it). TLS 1.1/1.2 reach Server 2008 SP2
 * only with KB4019276 and Windows 7 / Server 2008 R2 off by default, but both can speak TLS 1.2.
 * A server that speaks a newer version than its claimed build can is not that build.
 */
import type { TlsVersionName } from './clients/types.js';

export const WINDOWS_BUILDS_VERSION = '2025-07 (lifecycle dates as published by Microsoft Lifecycle)';
export const WINDOWS_BUILDS_SOURCE =
  'credssp.json build map (microsoft/hcsshim osversion); https://learn.microsoft.com/lifecycle/products/ ; https://learn.microsoft.com/windows/release-health/release-information';

export interface WindowsBuild {
  readonly major: number;
  readonly minor: number;
  readonly build: number;
  /** Every release that shares the build. */
  readonly release: string;
  /** ISO date after which no edition sharing the build gets security updates; absent when unknown. */
  readonly endOfSupport?: string;
  /** Which edition's date `endOfSupport` is. */
  readonly longestSupportedEdition?: string;
  /** The newest TLS version this build's Schannel can speak (see the header). */
  readonly newestTls: TlsVersionName;
  readonly confidence: 'high' | 'medium' | 'low';
}

export const WINDOWS_BUILDS: readonly WindowsBuild[] = [
  {
    major: 6,
    minor: 0,
    build: 6002,
    release: 'Windows Server 2008 SP2 / Vista SP2',
    endOfSupport: '2020-01-14',
    longestSupportedEdition: 'Windows Server 2008 SP2',
    newestTls: 'TLSv1.2',
    confidence: 'medium',
  },
  {
    major: 6,
    minor: 1,
    build: 7600,
    release: 'Windows 7 RTM / Server 2008 R2 RTM',
    endOfSupport: '2013-04-09',
    longestSupportedEdition: 'RTM (no service pack)',
    newestTls: 'TLSv1.2',
    confidence: 'high',
  },
  {
    major: 6,
    minor: 1,
    build: 7601,
    release: 'Windows 7 SP1 / Server 2008 R2 SP1',
    endOfSupport: '2020-01-14',
    longestSupportedEdition: 'Windows Server 2008 R2 SP1',
    newestTls: 'TLSv1.2',
    confidence: 'high',
  },
  {
    major: 6,
    minor: 2,
    build: 9200,
    release: 'Windows 8 / Server 2012',
    endOfSupport: '2023-10-10',
    longestSupportedEdition: 'Windows Server 2012',
    newestTls: 'TLSv1.2',
    confidence: 'high',
  },
  {
    major: 6,
    minor: 3,
    build: 9600,
    release: 'Windows 8.1 / Server 2012 R2',
    endOfSupport: '2023-10-10',
    longestSupportedEdition: 'Windows Server 2012 R2',
    newestTls: 'TLSv1.2',
    confidence: 'high',
  },
  {
    major: 10,
    minor: 0,
    build: 10240,
    release: 'Windows 10 1507',
    endOfSupport: '2025-10-14',
    longestSupportedEdition: 'Windows 10 Enterprise 2015 LTSB',
    newestTls: 'TLSv1.2',
    confidence: 'high',
  },
  {
    major: 10,
    minor: 0,
    build: 10586,
    release: 'Windows 10 1511',
    endOfSupport: '2018-04-10',
    longestSupportedEdition: 'Enterprise and Education',
    newestTls: 'TLSv1.2',
    confidence: 'high',
  },
  {
    major: 10,
    minor: 0,
    build: 14393,
    release: 'Windows 10 1607 / Server 2016',
    endOfSupport: '2027-01-12',
    longestSupportedEdition: 'Windows Server 2016',
    newestTls: 'TLSv1.2',
    confidence: 'high',
  },
  {
    major: 10,
    minor: 0,
    build: 15063,
    release: 'Windows 10 1703',
    endOfSupport: '2019-10-08',
    longestSupportedEdition: 'Enterprise and Education',
    newestTls: 'TLSv1.2',
    confidence: 'high',
  },
  {
    major: 10,
    minor: 0,
    build: 16299,
    release: 'Windows 10 1709 / Server 1709',
    endOfSupport: '2020-10-13',
    longestSupportedEdition: 'Enterprise and Education',
    newestTls: 'TLSv1.2',
    confidence: 'high',
  },
  {
    major: 10,
    minor: 0,
    build: 17134,
    release: 'Windows 10 1803 / Server 1803',
    endOfSupport: '2021-05-11',
    longestSupportedEdition: 'Enterprise and Education',
    newestTls: 'TLSv1.2',
    confidence: 'high',
  },
  {
    major: 10,
    minor: 0,
    build: 17763,
    release: 'Windows 10 1809 / Server 2019',
    endOfSupport: '2029-01-09',
    longestSupportedEdition: 'Windows Server 2019 and Enterprise LTSC 2019',
    newestTls: 'TLSv1.2',
    confidence: 'high',
  },
  {
    major: 10,
    minor: 0,
    build: 18362,
    release: 'Windows 10 1903 / Server 1903',
    endOfSupport: '2020-12-08',
    longestSupportedEdition: 'all editions',
    newestTls: 'TLSv1.2',
    confidence: 'high',
  },
  {
    major: 10,
    minor: 0,
    build: 18363,
    release: 'Windows 10 1909 / Server 1909',
    endOfSupport: '2022-05-10',
    longestSupportedEdition: 'Enterprise and Education',
    newestTls: 'TLSv1.2',
    confidence: 'high',
  },
  {
    major: 10,
    minor: 0,
    build: 19041,
    release: 'Windows 10 2004 / Server 2004',
    endOfSupport: '2021-12-14',
    longestSupportedEdition: 'all editions',
    newestTls: 'TLSv1.2',
    confidence: 'high',
  },
  {
    major: 10,
    minor: 0,
    build: 19042,
    release: 'Windows 10 20H2 / Server 20H2',
    endOfSupport: '2023-05-09',
    longestSupportedEdition: 'Enterprise and Education',
    newestTls: 'TLSv1.2',
    confidence: 'high',
  },
  {
    major: 10,
    minor: 0,
    build: 19043,
    release: 'Windows 10 21H1',
    endOfSupport: '2022-12-13',
    longestSupportedEdition: 'all editions',
    newestTls: 'TLSv1.2',
    confidence: 'high',
  },
  {
    major: 10,
    minor: 0,
    build: 19044,
    release: 'Windows 10 21H2',
    endOfSupport: '2032-01-13',
    longestSupportedEdition: 'Windows 10 IoT Enterprise LTSC 2021',
    newestTls: 'TLSv1.2',
    confidence: 'high',
  },
  {
    major: 10,
    minor: 0,
    build: 19045,
    release: 'Windows 10 22H2',
    endOfSupport: '2025-10-14',
    longestSupportedEdition: 'all editions (paid ESU afterwards)',
    newestTls: 'TLSv1.2',
    confidence: 'high',
  },
  {
    major: 10,
    minor: 0,
    build: 20348,
    release: 'Windows Server 2022',
    endOfSupport: '2031-10-14',
    longestSupportedEdition: 'Windows Server 2022',
    newestTls: 'TLSv1.3',
    confidence: 'high',
  },
  {
    major: 10,
    minor: 0,
    build: 22000,
    release: 'Windows 11 21H2',
    endOfSupport: '2024-10-08',
    longestSupportedEdition: 'Enterprise and Education',
    newestTls: 'TLSv1.3',
    confidence: 'high',
  },
  {
    major: 10,
    minor: 0,
    build: 22621,
    release: 'Windows 11 22H2',
    endOfSupport: '2025-10-14',
    longestSupportedEdition: 'Enterprise and Education',
    newestTls: 'TLSv1.3',
    confidence: 'high',
  },
  {
    major: 10,
    minor: 0,
    build: 22631,
    release: 'Windows 11 23H2',
    endOfSupport: '2026-11-10',
    longestSupportedEdition: 'Enterprise and Education',
    newestTls: 'TLSv1.3',
    confidence: 'high',
  },
  {
    major: 10,
    minor: 0,
    build: 25398,
    release: 'Windows Server 23H2 (annual channel)',
    endOfSupport: '2025-10-24',
    longestSupportedEdition: 'Windows Server 23H2',
    newestTls: 'TLSv1.3',
    confidence: 'medium',
  },
  {
    major: 10,
    minor: 0,
    build: 26100,
    release: 'Windows 11 24H2 / Server 2025',
    endOfSupport: '2034-11-14',
    longestSupportedEdition: 'Windows Server 2025',
    newestTls: 'TLSv1.3',
    confidence: 'high',
  },
  {
    major: 10,
    minor: 0,
    build: 26200,
    release: 'Windows 11 25H2',
    endOfSupport: '2028-10-10',
    longestSupportedEdition: 'Enterprise and Education',
    newestTls: 'TLSv1.3',
    confidence: 'medium',
  },
  {
    major: 10,
    minor: 0,
    build: 26300,
    release: 'Windows 11 26H2 (reported)',
    newestTls: 'TLSv1.3',
    confidence: 'low',
  },
];

/** The release a reported version belongs to, or undefined when the build is not in the table. */
export function findWindowsBuild(version: {
  readonly major: number;
  readonly minor: number;
  readonly build: number;
}): WindowsBuild | undefined {
  return WINDOWS_BUILDS.find(
    (entry) =>
      entry.major === version.major && entry.minor === version.minor && entry.build === version.build,
  );
}
