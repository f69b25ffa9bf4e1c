import assert from 'node:assert/strict';
import fs from 'node:fs';
import { dashboardHtml, type DashboardHtmlOptions } from '../../../../src/extension/dashboard/dashboardHtml';
import { fromRepo } from '../../../helpers/repoRoot';

/** What VS Code hands the builder: webview resource URIs, not web addresses. */
const WEBVIEW: DashboardHtmlOptions = {
  cspSource: 'vscode-webview-resource:',
  scriptUri: 'vscode-webview-resource://panel/media/dashboard.js',
  formatScriptUri: 'vscode-webview-resource://panel/media/dashboardFormat.js',
  styleUri: 'vscode-webview-resource://panel/media/dashboard.css',
};

function policyOf(html: string): Map<string, string[]> {
  const metas = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/g) ?? [];
  assert.equal(metas.length, 1, 'exactly one policy');
  const content = /content="([^"]*)"/.exec(metas[0] ?? '')?.[1] ?? '';
  const policy = new Map<string, string[]>();
  for (const directive of content.split(';').map((part) => part.trim()).filter(Boolean)) {
    const [name = '', ...sources] = directive.split(/\s+/);
    assert.ok(!policy.has(name), `${name} given once`);
    policy.set(name, sources);
  }
  return policy;
}

function scriptNonces(html: string): string[] {
  return [...html.matchAll(/<script\b([^>]*)>/g)].map((match) => {
    const nonce = /\snonce="([^"]+)"/.exec(match[1] ?? '')?.[1];
    assert.ok(nonce, `script tag without a nonce: ${match[0]}`);
    return nonce;
  });
}

describe('Dashboard Content-Security-Policy', () => {
  const html = dashboardHtml(WEBVIEW);
  const policy = policyOf(html);

  it('denies everything by default', () => {
    assert.deepEqual(policy.get('default-src'), ["'none'"]);
    assert.equal(html.indexOf('Content-Security-Policy') < html.indexOf('<link'), true, 'policy precedes every load');
  });

  it('runs scripts only with the page nonce', () => {
    const [nonce] = scriptNonces(html);
    assert.deepEqual(policy.get('script-src'), [`'nonce-${nonce}'`]);
    assert.deepEqual(scriptNonces(html), [nonce, nonce], 'the money format, then the page script, each carrying the nonce');
    assert.match(html, /<script nonce="[^"]+" src="vscode-webview-resource:\/\/panel\/media\/dashboard\.js"><\/script>/);
    assert.doesNotMatch(html, /<script\b[^>]*>[^<]+<\/script>/, 'no inline script body');
    assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline event handlers');
  });

  it('takes styles from the webview source only, never inline', () => {
    assert.deepEqual(policy.get('style-src'), [WEBVIEW.cspSource]);
    assert.doesNotMatch(html, /<style\b/);
    assert.doesNotMatch(html, /\sstyle=/);
  });

  it('allows nothing beyond the webview source, data: images and the nonce', () => {
    const allowed = new Set(["'none'", WEBVIEW.cspSource, 'data:']);
    for (const [name, sources] of policy) {
      for (const source of sources) {
        if (name === 'script-src') continue;
        assert.ok(allowed.has(source), `${name} allows ${source}`);
      }
    }
    assert.deepEqual(policy.get('base-uri'), ["'none'"]);
    assert.deepEqual(policy.get('form-action'), ["'none'"]);
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval|unsafe-hashes|\*/);
  });

  it('names no http or https address anywhere in the page or the media it loads', () => {
    assert.doesNotMatch(html, /https?:/i);
    for (const file of ['dashboard.js', 'dashboardFormat.js', 'dashboard.css']) {
      const text = fs.readFileSync(fromRepo('media', file), 'utf8');
      assert.doesNotMatch(text, /https?:\/\//i, file);
    }
  });

  it('draws a fresh nonce on every render and uses it in both the policy and the script tag', () => {
    const nonces = new Set<string>();
    for (let render = 0; render < 5; render += 1) {
      const page = dashboardHtml(WEBVIEW);
      const [nonce = ''] = scriptNonces(page);
      assert.deepEqual(policyOf(page).get('script-src'), [`'nonce-${nonce}'`]);
      assert.ok(nonce.length >= 22, 'at least 128 bits');
      nonces.add(nonce);
    }
    assert.equal(nonces.size, 5);
  });

  it('cannot be broken out of by a quote in a resource URI', () => {
    const page = dashboardHtml({ ...WEBVIEW, scriptUri: 'vscode-webview-resource://x/a.js"><script>alert(1)</script>' });
    assert.equal((page.match(/<script\b/g) ?? []).length, 2);
    assert.match(page, /&quot;&gt;&lt;script&gt;/);
  });
});
