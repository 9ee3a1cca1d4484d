// Server-side HTML: every interpolation escaped unless it is SafeHtml, nesting without double
// escaping, and the page frame.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { escapeHtml, html, page, PAGE_CSP, SafeHtml } from '../../../proxy/shared/html.js';

void describe('escapeHtml', () => {
  void test('escapes the five special characters', () => {
    assert.equal(
      escapeHtml(`<a href="x" title='y'>&amp;</a>`),
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;',
    );
  });

  void test('leaves other text, including non-ASCII, alone', () => {
    assert.equal(escapeHtml('Zoë — 名前 ✓ / \\ `'), 'Zoë — 名前 ✓ / \\ `');
  });

  void test('null and undefined are empty; other values are JSON, escaped', () => {
    assert.equal(escapeHtml(null), '');
    assert.equal(escapeHtml(undefined), '');
    assert.equal(escapeHtml(0), '0');
    assert.equal(escapeHtml(false), 'false');
    assert.equal(escapeHtml({ a: '<b>' }), '{&quot;a&quot;:&quot;&lt;b&gt;&quot;}');
    assert.equal(escapeHtml(['<', '>']), '[&quot;&lt;&quot;,&quot;&gt;&quot;]');
  });
});

// Prettier reformats the markup inside templates tagged `html`; these tests need their literal
// text exactly as written, so they call the same function under another name.
const h = html;

void describe('html template', () => {
  void test('escapes interpolated strings and keeps the literal parts', () => {
    const name = '<script>alert("x")</script>';
    const out = h`<p class="who">${name}</p>`;
    assert.ok(out instanceof SafeHtml);
    assert.equal(out.html, '<p class="who">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>');
  });

  void test('escapes attribute breakouts', () => {
    const value = `" onmouseover="alert(1)`;
    assert.equal(
      h`<a title="${value}">x</a>`.html,
      '<a title="&quot; onmouseover=&quot;alert(1)">x</a>',
    );
    const single = `' onfocus='alert(1)`;
    assert.equal(
      h`<a title='${single}'>x</a>`.html,
      `<a title='&#39; onfocus=&#39;alert(1)'>x</a>`,
    );
  });

  void test('nested templates are inserted as they are, escaped exactly once', () => {
    const inner = h`<b>${'a & b'}</b>`;
    const outer = h`<p>${inner} ${'<i>'}</p>`;
    assert.equal(outer.html, '<p><b>a &amp; b</b> &lt;i&gt;</p>');
    const outermost = h`<div>${outer}</div>`;
    assert.equal(outermost.html, '<div><p><b>a &amp; b</b> &lt;i&gt;</p></div>');
  });

  void test('arrays are joined without separators, each item escaped unless safe', () => {
    const items = ['<one>', 'two'].map((item) => h`<li>${item}</li>`);
    assert.equal(h`<ul>${items}</ul>`.html, '<ul><li>&lt;one&gt;</li><li>two</li></ul>');
    assert.equal(h`${['<x>', h`<y/>`, 3]}`.html, '&lt;x&gt;<y/>3');
    assert.equal(h`<ul>${[]}</ul>`.html, '<ul></ul>');
  });

  void test('only real SafeHtml is trusted, not look-alikes', () => {
    const fake = { html: '<script>' };
    assert.equal(h`${fake}`.html, '{&quot;html&quot;:&quot;&lt;script&gt;&quot;}');
    assert.equal(h`${new SafeHtml('<hr>')}`.html, '<hr>');
  });

  void test('null, undefined and numbers interpolate sensibly', () => {
    assert.equal(h`[${null}|${undefined}|${42}]`.html, '[||42]');
  });

  void test('SafeHtml stringifies to its markup', () => {
    assert.equal(String(h`<b>${'&'}</b>`), '<b>&amp;</b>');
    assert.equal(['<i>', new SafeHtml('<b>')].join(''), '<i><b>');
  });
});

void describe('page', () => {
  void test('frames the body, escapes the title, adds the head', () => {
    const out = page('<Payroll & co>', h`<h1>${'Hi'}</h1>`, new SafeHtml('<meta name="x">'));
    assert.match(out, /^<!doctype html>/);
    assert.match(out, /<title>&lt;Payroll &amp; co&gt; · jitgate<\/title>/);
    assert.match(out, /<main><h1>Hi<\/h1><\/main>/);
    assert.match(out, /<meta name="x"><\/head>/);
    assert.match(out, /<meta charset="utf-8">/);
  });

  void test('the page CSP allows no scripts and no framing', () => {
    assert.match(PAGE_CSP, /default-src 'none'/);
    assert.doesNotMatch(PAGE_CSP, /script-src/);
    assert.match(PAGE_CSP, /frame-ancestors 'none'/);
  });
});
