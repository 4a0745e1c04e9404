/**
 * Stable error codes. Scripts match on `code`; `message` is for the planner.
 * A code is never renamed once shipped.
 */
export const ERROR_CODES = [
  'INVALID_ARGUMENT',
  'INVALID_ADDRESS',
  'INVALID_CIDR',
  'HOST_BITS_SET',
  'OVERLAP',
  'EXISTS',
  'NOT_FOUND',
  'NOT_FREE',
  'OUT_OF_SCOPE',
  'POOL_EXHAUSTED',
  'VLAN_DISABLED',
  'TOO_LARGE',
  'CONFLICT',
  'CANCELLED',
  'NOTHING_TO_UNDO',
  'NOTHING_TO_REDO',
  'DB_DAMAGED',
  'DB_MIGRATION',
  'BUSY',
  'USAGE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class FluxError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'FluxError';
  }

  toJSON(): { code: ErrorCode; message: string } & Record<string, unknown> {
    return { code: this.code, message: this.message, ...this.details };
  }
}

export function isFluxError(e: unknown): e is FluxError {
  return e instanceof FluxError;
}
