import type { OutgoingHttpHeaders } from 'node:http';
import { pageScript } from './page-script.ts';
import { pageStyle } from './page-style.ts';
import { baseHeaders } from './respond.ts';

/**
 * @internal The dashboard page. It holds no data: the script fetches everything over the data
 * stream and renders it as text, so no breaker name is ever written into this HTML.
 *
 * @param nonce - the response's CSP nonce: a fresh random hex string, safe in an attribute.
 */
export function renderPage(nonce: string, controls: boolean): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Circuit breakers</title>
<link rel="icon" href="data:,">
<style nonce="${nonce}">${pageStyle}</style>
</head>
<body data-controls="${controls ? 'true' : 'false'}">
<header class="top">
<h1>Circuit breakers</h1>
<p id="summary" class="summary">Waiting for the first update&hellip;</p>
<p id="connection" class="connection" data-connection="connecting">connecting&hellip;</p>
</header>
<p id="message" class="message" role="status" hidden></p>
<ul id="breakers" class="breakers" aria-label="Circuit breakers"></ul>
<p id="empty" class="empty" hidden>No breakers yet: each appears here once it has been used.</p>
<noscript><p>This page needs JavaScript to show live data. The data itself is at <a href="snapshot">snapshot</a>.</p></noscript>
<script nonce="${nonce}">${pageScript}</script>
</body>
</html>
`;
}

/**
 * @internal Headers of the page. The Content-Security-Policy lets only this response's own
 * inline script and style run, and lets the page connect only to its own origin: even if markup
 * got into the page, it could neither run nor send data elsewhere. Framing is refused, so the
 * control buttons cannot be clickjacked.
 */
export function pageHeaders(nonce: string): OutgoingHttpHeaders {
  return {
    ...baseHeaders,
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': [
      "default-src 'none'",
      `script-src 'nonce-${nonce}'`,
      `style-src 'nonce-${nonce}'`,
      "connect-src 'self'",
      'img-src data:',
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  };
}

/** @internal A nonce for the page's CSP: 122 random bits, in hex. */
export function createNonce(): string {
  return crypto.randomUUID().replaceAll('-', '');
}
