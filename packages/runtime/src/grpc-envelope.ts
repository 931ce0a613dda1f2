import { gunzipSync } from 'node:zlib';
import { Code, ConnectError } from '@connectrpc/connect';

/** gRPC's length-prefixed message: one flag byte, a 4-byte big-endian length, then the message. */
export const ENVELOPE_HEADER_BYTES = 5;
const COMPRESSED_FLAG = 0b1;

export function envelope(message: Uint8Array): Buffer {
  const framed = Buffer.allocUnsafe(ENVELOPE_HEADER_BYTES + message.byteLength);
  framed.writeUInt8(0, 0);
  framed.writeUInt32BE(message.byteLength, 1);
  framed.set(message, ENVELOPE_HEADER_BYTES);
  return framed;
}

/**
 * The one message of a unary request or answer. `gzip` says whether the sender declared gzip
 * (`grpc-encoding`); a compressed message without it is a protocol error, as is anything but exactly one
 * message. `maxBytes` bounds the message before and after decompression; `metadata` (made only when needed) goes with any error.
 */
export function singleMessage(body: Buffer, options: { what: string; gzip: boolean; maxBytes: number; metadata?: () => Headers }): Buffer {
  const metadata = () => options.metadata?.();
  if (body.byteLength < ENVELOPE_HEADER_BYTES) throw new ConnectError(`protocol error: missing ${options.what}`, Code.Unimplemented, metadata());
  const length = body.readUInt32BE(1);
  if (length > options.maxBytes) throw new ConnectError(`message size ${length} is larger than configured readMaxBytes ${options.maxBytes}`, Code.ResourceExhausted, metadata());
  if (body.byteLength !== ENVELOPE_HEADER_BYTES + length) throw new ConnectError(`protocol error: expected exactly one ${options.what}`, Code.Unimplemented, metadata());
  const message = body.subarray(ENVELOPE_HEADER_BYTES);
  if ((body.readUInt8(0) & COMPRESSED_FLAG) === 0) return message;
  if (!options.gzip) throw new ConnectError('protocol error: received a compressed message without a declared encoding', Code.Internal, metadata());
  try {
    return gunzipSync(message, { maxOutputLength: options.maxBytes });
  } catch (error) {
    if (error instanceof RangeError) throw new ConnectError(`decompressed message is larger than configured readMaxBytes ${options.maxBytes}`, Code.ResourceExhausted, metadata());
    throw new ConnectError('protocol error: invalid gzip message', Code.InvalidArgument, metadata(), undefined, error);
  }
}
