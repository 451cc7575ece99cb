/**
 * A small HTTP server that exposes one registry at GET /metrics, on a port of its
 * own. It listens with `exclusive: true`, so in a cluster or PM2 worker the port
 * belongs to this process and is not shared through the primary.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { listen } from '../http/listen.js';

export class MetricsServer {
  readonly #server: Server;
  readonly #registry: Registry;

  constructor(registry: Registry) {
    this.#registry = registry;
    this.#server = createServer((request, response) => {
      void this.#respond(request, response);
    });
  }

  listen(port: number, host: string | undefined): Promise<AddressInfo> {
    return listen(this.#server, { port, host, exclusive: true });
  }

  /** Stops accepting and closes idle scrape connections; a scrape in progress finishes. */
  stopListening(): void {
    this.#server.close();
  }

  /** Closes every connection, scrapes in progress included. */
  closeAllConnections(): void {
    this.#server.closeAllConnections();
  }

  async #respond(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?', 1)[0];
    if (path !== '/metrics') {
      sendJson(response, 404, { error: 'not_found', message: 'metrics are served at /metrics' });
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      sendJson(response, 405, { error: 'method_not_allowed' });
      return;
    }
    try {
      const body = await this.#registry.metrics();
      response.writeHead(200, { 'Content-Type': this.#registry.contentType });
      response.end(request.method === 'HEAD' ? undefined : body);
    } catch {
      sendJson(response, 500, { error: 'metrics_collection_failed' });
    }
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}
