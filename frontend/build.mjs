#!/usr/bin/env node
// Stagepunt front-end asset build. Plain Node 20, no bundler.
//
// Output (frontend/dist/, written atomically: temp dir, then rename):
//   assets/app.<hash8>.css      Utrecht design tokens (.utrecht-theme) + Utrecht
//                               component library CSS + frontend/src/app.css
//   assets/enhance.<hash8>.js   copy of frontend/src/enhance.js
//   assets/noto-sans-*.<hash8>.woff2  self-hosted font (OFL-1.1), no third-party origin
//   manifest.json               {"app.css": "/assets/app.<hash8>.css", "enhance.js": ...}
//
// <hash8> = first 8 hex digits of SHA-256 of the file content.
// Remote @import rules and url()s pointing at other origins are stripped,
// because the CSP is default-src 'self'.

import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const SRC = path.join(here, 'src');
const DIST = path.join(here, 'dist');
const ASSET_URL_PREFIX = '/assets/';

export function hash8(content) {
  return createHash('sha256').update(content).digest('hex').slice(0, 8);
}

function pkgFile(spec) {
  return require.resolve(spec);
}

// Remove `@import` of remote URLs and url() references to other origins.
// Returns { css, removed: [...] }.
export function stripRemote(css) {
  const removed = [];
  const remote = /^\s*["']?\s*(?:https?:)?\/\//i;
  // @import "https://…";  @import url(//…) screen;
  css = css.replace(/@import\s+(?:url\(\s*)?(["']?)([^"')\s;]+)\1\s*\)?[^;]*;/gi, (m, _q, href) => {
    if (remote.test(href)) { removed.push(m.trim()); return ''; }
    return m;
  });
  // @font-face blocks whose src points at a remote host: drop the whole block.
  css = css.replace(/@font-face\s*\{[^}]*\}/gi, (block) => {
    const urls = [...block.matchAll(/url\(\s*(["']?)([^"')]+)\1\s*\)/gi)].map((x) => x[2]);
    if (urls.some((u) => remote.test(u))) { removed.push(block.replace(/\s+/g, ' ').slice(0, 120)); return ''; }
    return block;
  });
  // Any other remote url(): neutralise.
  css = css.replace(/url\(\s*(["']?)([^"')]+)\1\s*\)/gi, (m, _q, u) => {
    if (remote.test(u)) { removed.push(m); return 'none'; }
    return m;
  });
  return { css, removed };
}

// Conservative CSS minifier: drops comments and collapses whitespace, but
// never touches the inside of strings. Whitespace is only removed where it
// is certainly insignificant (around { } ; and after :, , in declarations).
export function minifyCss(css) {
  let out = '';
  let i = 0;
  const n = css.length;
  let pendingSpace = false;
  while (i < n) {
    const c = css[i];
    if (c === '/' && css[i + 1] === '*') {
      const end = css.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      pendingSpace = true;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < n && css[j] !== c) { if (css[j] === '\\') j++; j++; }
      if (pendingSpace && out && !/[{};,>]$/.test(out)) out += ' ';
      pendingSpace = false;
      out += css.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (/\s/.test(c)) { pendingSpace = true; i++; continue; }
    if (c === '{' || c === '}' || c === ';') {
      out = out.replace(/ $/, '');
      if (c === '}') out = out.replace(/;$/, '');
      out += c;
      pendingSpace = false;
      i++;
      continue;
    }
    if (pendingSpace && out && !/[{};]$/.test(out)) out += ' ';
    pendingSpace = false;
    out += c;
    i++;
  }
  return out.trim() + '\n';
}

async function buildFonts(files) {
  const fontDir = path.join(path.dirname(pkgFile('@fontsource-variable/noto-sans/package.json')), 'files');
  const subsets = [
    {
      file: 'noto-sans-latin-ext-wght-normal.woff2',
      range: 'U+0100-02BA,U+02BD-02C5,U+02C7-02CC,U+02CE-02D7,U+02DD-02FF,U+0304,U+0308,U+0329,U+1D00-1DBF,U+1E00-1E9F,U+1EF2-1EFF,U+2020,U+20A0-20AB,U+20AD-20C0,U+2113,U+2C60-2C7F,U+A720-A7FF',
    },
    {
      file: 'noto-sans-latin-wght-normal.woff2',
      range: 'U+0000-00FF,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+0304,U+0308,U+0329,U+2000-206F,U+20AC,U+2122,U+2191,U+2193,U+2212,U+2215,U+FEFF,U+FFFD',
    },
  ];
  let css = '';
  for (const s of subsets) {
    const p = path.join(fontDir, s.file);
    if (!existsSync(p)) continue; // font is optional: the theme falls back to Arial
    const buf = await readFile(p);
    const name = s.file.replace(/\.woff2$/, `.${hash8(buf)}.woff2`);
    files.push({ name, content: buf, logical: `fonts/${s.file}` });
    css += `@font-face{font-family:"Noto Sans Variable";font-style:normal;font-display:swap;font-weight:100 900;` +
      `src:url("${ASSET_URL_PREFIX}${name}") format("woff2-variations"),url("${ASSET_URL_PREFIX}${name}") format("woff2");` +
      `unicode-range:${s.range}}\n`;
  }
  return css;
}

export async function build({ outDir = DIST, quiet = false } = {}) {
  const log = quiet ? () => {} : (...a) => console.log(...a);
  const files = []; // { name, content, logical }

  const tokensCss = await readFile(pkgFile('@utrecht/design-tokens/dist/theme.css'), 'utf8');
  const componentsCss = await readFile(pkgFile('@utrecht/component-library-css/dist/index.css'), 'utf8');
  const appCss = await readFile(path.join(SRC, 'app.css'), 'utf8');
  const fontCss = await buildFonts(files);

  const parts = [
    ['@utrecht/design-tokens theme.css', tokensCss],
    ['@utrecht/component-library-css index.css', componentsCss],
    ['frontend/src/app.css', appCss],
  ];
  let removedAll = [];
  let body = fontCss;
  for (const [label, css] of parts) {
    const { css: clean, removed } = stripRemote(css);
    removedAll = removedAll.concat(removed.map((r) => `${label}: ${r}`));
    body += minifyCss(clean);
  }
  const header =
    '/*! Stagepunt. Includes @utrecht/design-tokens and @utrecht/component-library-css ' +
    '(EUPL-1.2, (c) Frameless B.V., Gemeente Utrecht) and Noto Sans (OFL-1.1). */\n';
  const cssOut = Buffer.from(header + body, 'utf8');
  files.push({ name: `app.${hash8(cssOut)}.css`, content: cssOut, logical: 'app.css' });

  const js = await readFile(path.join(SRC, 'enhance.js'));
  files.push({ name: `enhance.${hash8(js)}.js`, content: js, logical: 'enhance.js' });

  const manifest = {};
  for (const f of files) manifest[f.logical] = ASSET_URL_PREFIX + f.name;

  // Atomic: write everything into a sibling temp dir, then swap it in.
  const parent = path.dirname(outDir);
  const tmp = path.join(parent, `.dist-tmp-${process.pid}-${Date.now()}`);
  const old = path.join(parent, `.dist-old-${process.pid}-${Date.now()}`);
  await mkdir(path.join(tmp, 'assets'), { recursive: true });
  try {
    for (const f of files) await writeFile(path.join(tmp, 'assets', f.name), f.content);
    await writeFile(path.join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    let hadOld = false;
    if (existsSync(outDir)) { await rename(outDir, old); hadOld = true; }
    await rename(tmp, outDir);
    if (hadOld) await rm(old, { recursive: true, force: true });
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }

  for (const r of removedAll) log(`stripped remote reference: ${r}`);
  for (const f of files) log(`${(ASSET_URL_PREFIX + f.name).padEnd(56)} ${String(f.content.length).padStart(8)} bytes`);
  log(`wrote ${path.relative(process.cwd(), path.join(outDir, 'manifest.json'))}`);
  return { manifest, removed: removedAll };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  build().catch((e) => { console.error(e); process.exit(1); });
}
