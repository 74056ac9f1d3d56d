/** A user error (bad argument, missing file): printed without a stack trace, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
