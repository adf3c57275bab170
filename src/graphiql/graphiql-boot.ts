/**
 * The page's only script of our own, served as a file (the page's CSP allows no inline script). Plain ES2019
 * for the browser, kept small: it reads its settings from the page's JSON block and renders GraphiQL from the
 * UMD globals (`React`, `ReactDOM`, `graphqlWs`, `GraphiQL`) the scripts before it defined.
 *
 * Queries and mutations: GraphiQL's own fetcher, an HTTP POST to the page's own URL (the page is served at the
 * GraphQL endpoint) with the Headers editor's headers, `Authorization` among them.
 * Subscriptions: graphql-ws on `ws(s)://<this host><this path>`, authenticated once per socket in
 * `connection_init` with `{ authorization }` (lower case, whatever the header's spelling in the editor): the
 * socket is opened lazily and replaced when the key in the Headers editor changes.
 */
export const GRAPHIQL_BOOT_SCRIPT = String.raw`(function () {
  'use strict';
  var settings = JSON.parse(document.getElementById('graphiql-settings').textContent);
  var endpoint = window.location.pathname;
  var wsUrl = (window.location.protocol === 'https:' ? 'wss:' : 'ws:') + '//' + window.location.host + endpoint;

  function authorizationOf(headers) {
    if (!headers) return '';
    for (var name in headers) {
      if (name.toLowerCase() === 'authorization') return String(headers[name]);
    }
    return '';
  }

  // The operations in a request's own text, with kind and name. GraphiQL's parsed document and operation name
  // lag the editor by a debounce, so a subscription typed and run at once would otherwise go out over HTTP
  // under the previous operation's name. Comments and strings are blanked, then only depth-0 tokens (the
  // operation headers) are looked at.
  function operationsIn(query) {
    var text = String(query).replace(/"""[\s\S]*?"""|"(?:[^"\\\r\n]|\\.)*"|#[^\r\n]*/g, ' ');
    var token = /[{}()]|[_A-Za-z][_0-9A-Za-z]*/g;
    var depth = 0;
    var header = null;
    var operations = [];
    var match;
    while ((match = token.exec(text))) {
      var word = match[0];
      if (word === '{' || word === '(') {
        if (depth === 0 && word === '{') {
          if (!header) operations.push({ type: 'query', name: null });
          else if (header.type !== 'fragment') operations.push(header);
          header = null;
        }
        depth += 1;
      } else if (word === '}' || word === ')') {
        depth = Math.max(0, depth - 1);
      } else if (depth === 0) {
        if (!header && /^(query|mutation|subscription|fragment)$/.test(word)) {
          header = { type: word, name: null, named: false };
        } else if (header && !header.named) {
          header.name = word;
          header.named = true;
        }
      }
    }
    return operations;
  }

  // One socket per key: graphql-ws authenticates once per socket, so a changed key needs a new one.
  var socket = null;
  var socketAuthorization = null;
  function subscribe(params, authorization) {
    if (!socket || socketAuthorization !== authorization) {
      if (socket) socket.dispose();
      socketAuthorization = authorization;
      socket = graphqlWs.createClient({
        url: wsUrl,
        lazy: true,
        connectionParams: authorization ? { authorization: authorization } : {},
      });
    }
    var client = socket;
    // An Observable, one of the result shapes GraphiQL takes; unsubscribing (the stop button) completes it.
    return {
      subscribe: function (observer) {
        var dispose = client.subscribe(params, {
          next: function (value) {
            observer.next(value);
          },
          error: function (error) {
            var closed = error && typeof error.code === 'number' && 'reason' in error;
            observer.error(closed ? new Error('Socket closed: ' + error.code + ' ' + (error.reason || '')) : error);
          },
          complete: function () {
            observer.complete();
          },
        });
        return { unsubscribe: dispose };
      },
    };
  }

  var overHttp = GraphiQL.createFetcher({ url: endpoint });
  function fetcher(params, options) {
    var headers = (options && options.headers) || {};
    var operations = operationsIn(params.query);
    var named = operations.filter(function (operation) {
      return operation.name === params.operationName;
    });
    if (params.operationName && named.length === 0 && operations.length === 1) {
      // A stale name for a one-operation document: it runs without one.
      params = { query: params.query, variables: params.variables };
    }
    var operation = params.operationName ? named[0] : operations[0];
    if (operation && operation.type === 'subscription') {
      return subscribe(params, authorizationOf(headers));
    }
    // Only the headers: a stale parsed document must not send a query to the WebSocket path.
    return overHttp(params, { headers: headers });
  }

  var headers = JSON.stringify({ Authorization: 'Bearer ' + (settings.apiKey || '') }, null, 2);
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(
      GraphiQL,
      {
        fetcher: fetcher,
        headers: headers,
        defaultHeaders: headers,
        // The key stays out of localStorage; the page (not cached) hands it over again on every visit.
        shouldPersistHeaders: false,
        defaultEditorToolsVisibility: 'headers',
        defaultQuery: settings.defaultQuery,
      },
      // Our name instead of the default logo, which links out to GitHub.
      React.createElement(GraphiQL.Logo, null, settings.title),
    ),
  );
})();
`;

/** GraphiQL fills its container; the container fills the window. A file, since the CSP allows no inline style. */
export const GRAPHIQL_PAGE_STYLE = `html, body { height: 100%; margin: 0; }
#graphiql { height: 100vh; }
`;
