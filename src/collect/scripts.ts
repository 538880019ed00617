/**
 * The shipped scripts as the CLI hands them over: the collectors stamped with rdp-doctor's
 * version, the fixes as they are, and the commands that run each of them where admins need to
 * (an elevated prompt on the machine, WinRM from another one, Azure Run Command).
 */
import { COLLECT_SCRIPTS } from './scripts.generated.js';

export type CollectorRole = 'server' | 'client';

/** The collector's one version line (the script's INVARIANT: exactly one). */
const VERSION_LINE = "$CollectorVersion = 'dev'";

export function collectorScript(role: CollectorRole, version: string): string {
  const text = COLLECT_SCRIPTS[`collect-${role}.ps1`];
  if (text === undefined) throw new Error(`collect-${role}.ps1 is not in src/collect`);
  if (text.split(VERSION_LINE).length !== 2)
    throw new Error(`collect-${role}.ps1 must carry exactly one line ${VERSION_LINE}`);
  // A version is digits, dots, letters and dashes: nothing that could end the quoted string.
  const safe = /^[0-9A-Za-z.+-]+$/.test(version) ? version : 'unknown';
  return text.replace(VERSION_LINE, `$CollectorVersion = '${safe}'`);
}

export interface RunInstruction {
  /** Where this way of running applies. */
  readonly where: string;
  /** The shell the lines are for. */
  readonly shell: 'powershell' | 'bash';
  readonly lines: readonly string[];
}

/** PowerShell quoting for a file name in a command line. */
function quoted(file: string): string {
  return `'${file.replace(/'/g, "''")}'`;
}

/**
 * The script as the Windows side names it: the file is copied there, so only its name is kept
 * (a path written on a Linux jump host means nothing on the server).
 */
function onWindows(file: string): string {
  const name = file.split(/[\\/]/).pop() || file;
  return quoted(`.\\${name}`);
}

/** Bash quoting for the file as given (az runs where rdp-doctor wrote it). */
function bashQuoted(file: string): string {
  return `'${file.replace(/'/g, "'\\''")}'`;
}

/** How to run a collector written to `file`, in each of the places an admin may stand. */
export function collectorInstructions(role: CollectorRole, file: string): RunInstruction[] {
  const script = onWindows(file);
  const remoteOut = `C:\\Windows\\Temp\\rdp-doctor-${role}.json`;
  const local: RunInstruction = {
    where:
      role === 'server'
        ? 'on the server, in an elevated PowerShell (Windows PowerShell 5.1 or PowerShell 7)'
        : 'on the client, as the user who gets the error (not elevated: the cloud sign-in state is per user)',
    shell: 'powershell',
    lines: [
      `powershell.exe -NoProfile -ExecutionPolicy Bypass -File ${script} -ExportEvents`,
      '# then, wherever rdp-doctor runs: rdp-doctor analyze <the .zip it names>',
    ],
  };
  if (role === 'client') return [local];
  return [
    local,
    {
      // Invoke-Command -FilePath passes arguments by position only; the collectors take names.
      where: 'from another Windows machine, over WinRM (PowerShell remoting)',
      shell: 'powershell',
      lines: [
        `$script = Get-Content -Raw -LiteralPath ${script}`,
        "$session = New-PSSession -ComputerName '<server>'",
        `Invoke-Command -Session $session -ScriptBlock { & ([scriptblock]::Create($using:script)) -OutFile '${remoteOut}' }`,
        `Copy-Item -FromSession $session -Path '${remoteOut}' -Destination .`,
        'Remove-PSSession $session',
      ],
    },
    {
      where:
        'on an Azure VM you cannot reach (Run Command returns only the last 4,096 bytes of output: -Compact prints a line that fits and carries the document; the full JSON stays on the VM)',
      shell: 'bash',
      lines: [
        // Run Command hands --parameters over as strings, which a switch cannot take: the script
        // goes over as a script block with its arguments after it.
        `az vm run-command invoke --resource-group '<resource-group>' --name '<vm-name>' --command-id RunPowerShellScript --scripts "& { $(cat ${bashQuoted(file)}) } -Compact -OutFile ${remoteOut.replace(/\\/g, '\\\\')}" --output json > run-command.json`,
        'rdp-doctor analyze run-command.json',
      ],
    },
  ];
}

/** How to run a fix written to `file`: look first (-WhatIf), then apply, locally or on Azure. */
export function fixInstructions(file: string, where: 'server' | 'client'): RunInstruction[] {
  const script = onWindows(file);
  const steps: RunInstruction[] = [
    {
      where: `on the ${where}, in an elevated PowerShell: first see what it would change, then apply`,
      shell: 'powershell',
      lines: [
        `powershell.exe -NoProfile -ExecutionPolicy Bypass -File ${script} -WhatIf`,
        `powershell.exe -NoProfile -ExecutionPolicy Bypass -File ${script}`,
        '# it backs up what it changes first and prints the Undo: command',
      ],
    },
  ];
  if (where === 'server')
    steps.push({
      where: 'on an Azure VM you cannot reach, through Run Command: first -WhatIf, then for real',
      shell: 'bash',
      lines: [
        `az vm run-command invoke --resource-group '<resource-group>' --name '<vm-name>' --command-id RunPowerShellScript --scripts "& { $(cat ${bashQuoted(file)}) } -WhatIf"`,
        `az vm run-command invoke --resource-group '<resource-group>' --name '<vm-name>' --command-id RunPowerShellScript --scripts @${bashQuoted(file)}`,
      ],
    });
  return steps;
}
