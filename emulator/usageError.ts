/** A wrong command line: the `vigor-sim` command prints the message and exits with status 2. */
export class UsageError extends Error {}
