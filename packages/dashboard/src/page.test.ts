import { describe, expect, it } from 'vitest';
import { createNonce, pageHeaders, renderPage } from './page.ts';
import { pageScript } from './page-script.ts';

describe('the page', () => {
  it('has a script that parses as JavaScript', () => {
    expect(() => new Function(pageScript)).not.toThrow();
  });

  it('loads nothing from elsewhere: no external script, style, image or font', () => {
    const html = renderPage('abc', false);
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//);
    expect(html).not.toMatch(/@import|url\(/);
    expect(html).toContain('<script nonce="abc">');
    expect(html).toContain('<style nonce="abc">');
  });

  it('tells its script whether controls are on', () => {
    expect(renderPage('n', true)).toContain('<body data-controls="true">');
    expect(renderPage('n', false)).toContain('<body data-controls="false">');
  });

  it('lets only its own nonce run, and refuses framing', () => {
    const csp = String(pageHeaders('xyz')['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'nonce-xyz'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it('draws a fresh nonce for every response', () => {
    const nonce = createNonce();
    expect(nonce).toMatch(/^[0-9a-f]{32}$/);
    expect(createNonce()).not.toBe(nonce);
  });
});
