/** Exit codes every command follows. */
export const ExitCode = {
  OK: 0,
  PROBLEMS_FOUND: 1,
  USAGE: 2,
  INTERNAL: 3,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Bad usage or bad input: reported as one line on stderr with exit code 2, never a stack trace. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
