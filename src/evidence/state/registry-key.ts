/**
 * Registry key names in the one form the state rules compare: the full hive name
 * (HKEY_LOCAL_MACHINE), a single backslash between parts, no trailing backslash. `.reg` files and
 * PowerShell write the same key several ways (HKLM\..., HKLM:\..., Registry::HKEY_LOCAL_MACHINE\...).
 */

const HIVES: Readonly<Record<string, string>> = {
  HKEY_LOCAL_MACHINE: 'HKEY_LOCAL_MACHINE',
  HKLM: 'HKEY_LOCAL_MACHINE',
  HKEY_CURRENT_USER: 'HKEY_CURRENT_USER',
  HKCU: 'HKEY_CURRENT_USER',
  HKEY_CLASSES_ROOT: 'HKEY_CLASSES_ROOT',
  HKCR: 'HKEY_CLASSES_ROOT',
  HKEY_USERS: 'HKEY_USERS',
  HKU: 'HKEY_USERS',
  HKEY_CURRENT_CONFIG: 'HKEY_CURRENT_CONFIG',
  HKCC: 'HKEY_CURRENT_CONFIG',
  HKEY_PERFORMANCE_DATA: 'HKEY_PERFORMANCE_DATA',
  // REGEDIT4 files from Windows 9x name it.
  HKEY_DYN_DATA: 'HKEY_DYN_DATA',
};

/** The canonical name of a key, or undefined when it does not start with a hive. */
export function canonicalRegistryKey(raw: string): string | undefined {
  const withoutProvider = raw.trim().replace(/^(?:Microsoft\.PowerShell\.Core\\)?Registry::/i, '');
  const parts = withoutProvider.split('\\').filter((part) => part !== '');
  const first = parts[0];
  if (first === undefined) return undefined;
  // PowerShell drives: "HKLM:".
  const hive = HIVES[first.replace(/:$/, '').toUpperCase()];
  if (hive === undefined) return undefined;
  return [hive, ...parts.slice(1)].join('\\');
}
