// Listening and closing, the same for both sandboxes: bound to 127.0.0.1 only, keep-alive kept
// short, and every open connection destroyed on close, so slow responses (the "slow" fault) and
// idle keep-alive sockets never keep close() waiting.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export interface ListeningServer {
  port: number;
  /** Destroys every open connection, then waits for the server to close. */
  close(): Promise<void>;
}

export async function listenOnLoopback(server: Server, port = 0): Promise<ListeningServer> {
  const sockets = new Set<Socket>();
  server.keepAliveTimeout = 5_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
