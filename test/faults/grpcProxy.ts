/**
 * A gRPC-aware proxy between one instance and a real etcd: every call (one
 * HTTP/2 stream, one request message) is shown to a decision function before
 * it goes on, and can be forwarded, failed, left hanging, or forwarded with
 * its answer lost. The instance talks to it as to etcd (h2c), so faults reach
 * the real client and the real server without any hook in production code.
 */
import {
  connect,
  constants,
  createServer,
  type ClientHttp2Session,
  type Http2Server,
  type IncomingHttpHeaders,
  type ServerHttp2Stream,
} from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';

/** What happens to one call. */
export type CallFate =
  /** Goes to etcd, and the answer comes back. */
  | 'forward'
  /** Answered at once with gRPC UNAVAILABLE: the call failed, etcd never saw it. */
  | 'fail'
  /** Never answered: the client's deadline ends it; etcd never saw it. */
  | 'hang'
  /** Goes to etcd and takes effect, but the answer never comes back: the client's deadline ends it. */
  | 'lose';

export interface Call {
  /** The gRPC method, e.g. `/etcdserverpb.KV/Txn`. */
  method: string;
  /** The request message (protobuf); keys appear in it as plain bytes. */
  message: Buffer;
}

export interface GrpcProxy {
  /** The URL to give the etcd client. */
  readonly url: string;
  /** Cuts every connection and refuses new ones: the instance behind it is dead to etcd. */
  kill(): void;
  close(): Promise<void>;
}

const PSEUDO = /^:/;

function forwardedHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !PSEUDO.test(name)) out[name] = value;
  }
  return out;
}

/** Starts a proxy to `target` (an etcd client URL, http://host:port) that asks `decide` about each call. */
export async function startGrpcProxy(target: string, decide: (call: Call) => CallFate): Promise<GrpcProxy> {
  let upstream: ClientHttp2Session | undefined;
  const upstreamSession = (): ClientHttp2Session => {
    if (upstream === undefined || upstream.closed || upstream.destroyed) {
      upstream = connect(target);
      upstream.on('error', () => undefined);
    }
    return upstream;
  };
  let dead = false;
  const sockets = new Set<Socket>();
  const server: Http2Server = createServer();
  server.on('connection', (socket: Socket) => {
    if (dead) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('sessionError', () => undefined);
  server.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => {
    stream.on('error', () => undefined);
    const method = String(headers[':path']);
    let pending = Buffer.alloc(0);
    let decided = false;
    const onData = (chunk: Buffer): void => {
      if (decided) return;
      pending = Buffer.concat([pending, chunk]);
      // gRPC framing: 1 byte compressed flag, 4 bytes length, the message.
      if (pending.length < 5 || pending.length < 5 + pending.readUInt32BE(1)) return;
      decided = true;
      stream.off('data', onData);
      const fate = dead ? 'hang' : decide({ method, message: pending.subarray(5, 5 + pending.readUInt32BE(1)) });
      if (fate === 'hang') return;
      if (fate === 'fail') {
        stream.respond(
          {
            ':status': 200,
            'content-type': 'application/grpc',
            'grpc-status': '14', // UNAVAILABLE
            'grpc-message': 'injected failure',
          },
          { endStream: true },
        );
        return;
      }
      relay(stream, headers, pending, fate === 'lose');
    };
    stream.on('data', onData);
  });

  /** Sends the call on to etcd; relays the answer back unless it is to be lost. */
  function relay(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, first: Buffer, lose: boolean): void {
    let out;
    try {
      out = upstreamSession().request({
        ':method': 'POST',
        ':path': String(headers[':path']),
        ...forwardedHeaders(headers),
      });
    } catch {
      stream.close(constants.NGHTTP2_INTERNAL_ERROR);
      return;
    }
    out.on('error', () => stream.close(constants.NGHTTP2_INTERNAL_ERROR));
    out.write(first);
    stream.on('data', (chunk: Buffer) => out.write(chunk));
    stream.on('end', () => out.end());
    stream.on('close', () => {
      if (!out.closed) out.close(constants.NGHTTP2_CANCEL);
    });
    if (lose) {
      // etcd acts on the call; its answer goes nowhere.
      out.resume();
      return;
    }
    let trailers: Record<string, string | string[]> = {};
    out.on('response', (responseHeaders, flags: number) => {
      if (stream.closed) return;
      const endStream = (flags & constants.NGHTTP2_FLAG_END_STREAM) !== 0;
      const { ':status': status, ...rest } = responseHeaders;
      stream.respond(
        { ':status': Number(status), ...forwardedHeaders(rest) },
        endStream ? { endStream: true } : { waitForTrailers: true },
      );
      stream.on('wantTrailers', () => stream.sendTrailers(trailers));
    });
    out.on('trailers', (received: IncomingHttpHeaders) => {
      trailers = forwardedHeaders(received);
    });
    out.on('data', (chunk: Buffer) => {
      if (!stream.closed) stream.write(chunk);
    });
    out.on('end', () => {
      if (!stream.closed) stream.end();
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const kill = (): void => {
    dead = true;
    for (const socket of sockets) socket.destroy();
  };
  return {
    url: `http://127.0.0.1:${port}`,
    kill,
    close() {
      kill();
      upstream?.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
