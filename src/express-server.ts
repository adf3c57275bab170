import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { Server } from 'node:http';
import type { Express } from 'express';

/** Node's constructors as the plain functions they are (`function IncomingMessage(socket) {…}`). */
type Initialiser = (this: object, ...args: unknown[]) => void;

/**
 * An HTTP server for an Express app whose requests and responses are created with the app's own prototypes
 * (`app.request`, `app.response`), for the gateway and the sandboxes alike.
 *
 * Express re-parents every request and response onto those prototypes with `Object.setPrototypeOf` as it enters
 * the app. On an object that already has its prototype that call returns at once; on any other it costs V8 the
 * object's fast shape and every property access on it after (expressjs/express#5998). Measured on a bare Express
 * app (`express.json()` and one route, 100 connections): 2.2× the requests per second once they are born with the
 * app's prototypes.
 *
 * Node's `IncomingMessage` and `ServerResponse` are function constructors, called here on an object that already
 * has the app's prototype (`Reflect.construct` would do the same for a class, but measured slower than Express's
 * own re-parenting). Should a Node version make them classes, the server is made the ordinary way.
 */
export function createExpressServer(app: Express): Server {
  if (isClass(IncomingMessage) || isClass(ServerResponse)) return createServer(app);
  const initRequest = IncomingMessage as unknown as Initialiser;
  const initResponse = ServerResponse as unknown as Initialiser;
  function AppRequest(this: object, ...args: unknown[]): void {
    initRequest.apply(this, args);
  }
  AppRequest.prototype = app.request;
  function AppResponse(this: object, ...args: unknown[]): void {
    initResponse.apply(this, args);
  }
  AppResponse.prototype = app.response;
  return createServer(
    {
      IncomingMessage: AppRequest as unknown as typeof IncomingMessage,
      ServerResponse: AppResponse as unknown as typeof ServerResponse,
    },
    app,
  );
}

function isClass(constructor: unknown): boolean {
  return Function.prototype.toString.call(constructor).startsWith('class');
}
