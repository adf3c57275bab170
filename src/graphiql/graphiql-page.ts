import type { GraphiqlAssets } from './graphiql-assets.js';

/**
 * Only the page's own origin, for anything: the scripts, styles and GraphQL traffic are ours, fonts are data:
 * URIs inside the stylesheet, and WebSockets are listed as schemes because older browsers do not count
 * `ws(s)://<own host>` as 'self'. No inline script or style: settings travel in a non-executable JSON block.
 */
export const GRAPHIQL_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const DEFAULT_QUERY = `# Welcome to partner-graph.
# Every request sends the Headers tab's headers:
#   Authorization: Bearer <your API key>
# Docs: the book icon, top left. Run: Ctrl-Enter.

query {
  __typename
}
`;

export interface GraphiqlPageSettings {
  title: string;
  /** Pre-filled into the Headers editor; absent, the editor shows `Bearer ` for the user to complete. */
  apiKey?: string;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character);
}

/** JSON that cannot end its `<script>` block early, whatever the strings inside it hold. */
function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

export function renderGraphiqlPage(assets: GraphiqlAssets, settings: GraphiqlPageSettings): string {
  const styles = assets.styles.map((style) => `    <link rel="stylesheet" href="${style.path}" />`);
  const scripts = assets.scripts.map((script) => `    <script src="${script.path}"></script>`);
  return [
    '<!doctype html>',
    '<html lang="en">',
    '  <head>',
    '    <meta charset="utf-8" />',
    '    <meta name="viewport" content="width=device-width, initial-scale=1" />',
    '    <meta name="referrer" content="no-referrer" />',
    // An empty icon, so the browser does not ask the gateway for /favicon.ico.
    '    <link rel="icon" href="data:," />',
    `    <title>${escapeHtml(settings.title)}</title>`,
    ...styles,
    '  </head>',
    '  <body>',
    '    <div id="graphiql">Loading GraphiQL…</div>',
    `    <script type="application/json" id="graphiql-settings">${scriptSafeJson({
      title: settings.title,
      apiKey: settings.apiKey ?? null,
      defaultQuery: DEFAULT_QUERY,
    })}</script>`,
    ...scripts,
    '  </body>',
    '</html>',
    '',
  ].join('\n');
}
