// The page of web/dist/ in headless Chromium (puppeteer-core; CHROMIUM names the browser,
// /usr/bin/chromium by default), served by a tiny server on 127.0.0.1. Two fixture dossiers are
// checked, one picked with the file input and one dropped, on a 1280 px and a 400 px window:
// the pillars' statuses and one finding's text are asserted, the report is downloaded, every
// request the page makes is recorded and must be for one of the page's own files. Prints the
// drop-to-report time of a ~200 KB dossier and the module's size; screenshots go to artifacts/,
// and `--readme` copies one to docs/web-page.png.
//
//     web/build.sh && (cd web/test && npm ci && node browser.test.mjs)

import { createServer } from 'node:http';
import { mkdirSync, readFileSync, readdirSync, statSync, copyFileSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { join, dirname, extname, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import puppeteer from 'puppeteer-core';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const dist = join(here, '..', 'dist');
const artifacts = join(here, 'artifacts');
mkdirSync(artifacts, { recursive: true });

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
};
const own = new Set(readdirSync(dist));
const served = [];

// web/dist/ as static files: the page's own files, and nothing else.
const server = createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  const name = path === '/' ? 'index.html' : path.slice(1);
  served.push(name);
  if (!own.has(name)) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': TYPES[extname(name)] ?? 'application/octet-stream' });
  res.end(readFileSync(join(dist, name)));
});
await new Promise((done) => server.listen(0, '127.0.0.1', done));
const origin = `http://127.0.0.1:${server.address().port}`;

let passed = 0;
let failed = 0;
function check(what, ok, detail = '') {
  if (ok) {
    passed += 1;
    console.log(`ok - ${what}`);
  } else {
    failed += 1;
    console.log(`not ok - ${what}${detail ? `: ${detail}` : ''}`);
  }
}

const fixture = (...p) => join(root, 'fixtures', ...p);
// The dossiers, with the statuses `tenderlint report FOLDER` gives their pillars.
const DOSSIERS = [
  {
    name: 'bon-docx',
    files: [fixture('formats', 'bon-docx', 'CCTP.docx')],
    pillars: {
      objet: 'conforme', support: 'conforme', public: 'conforme', encadrement: 'conforme',
      qualification: 'conforme', suivi: 'conforme', procedure: 'conforme', donnees: 'conforme',
    },
    finding: 'Dossier conforme sur les huit piliers',
  },
  {
    name: 'defaut-docx',
    files: [fixture('formats', 'defaut-docx', 'CCTP.docx')],
    pillars: {
      objet: 'conforme', support: 'conforme', public: 'non conforme', encadrement: 'conforme',
      qualification: 'à compléter', suivi: 'à compléter', procedure: 'conforme', donnees: 'conforme',
    },
    finding: 'Le public bénéficiaire n’est défini par aucun critère d’éligibilité vérifiable.',
  },
];

// A dossier of about 200 KB, for the drop-to-report time: the documents of several lots, in
// every extracted format.
const LARGE = [
  [fixture('formats', 'dossier-mixte', 'RC.pdf'), 'RC.pdf'],
  [fixture('formats', 'dossier-mixte', 'CCAP.docx'), 'CCAP.docx'],
  [fixture('formats', 'dossier-mixte', 'CCTP.odt'), 'CCTP.odt'],
  [fixture('formats', 'bon-pdf', 'CCTP.pdf'), 'lot-2-CCTP.pdf'],
  [fixture('formats', 'defaut-pdf', 'CCTP.pdf'), 'lot-3-CCTP.pdf'],
  [fixture('formats', 'bon-docx', 'CCTP.docx'), 'lot-4-CCTP.docx'],
  [fixture('formats', 'defaut-odt', 'CCTP.odt'), 'lot-5-CCTP.odt'],
  [fixture('miq-complet', 'CCAP.md'), 'lot-6-CCAP.md'],
  [fixture('miq-complet', 'CCTP.md'), 'lot-6-CCTP.md'],
];

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});

// Every request a page makes, by URL.
const requests = [];
const problems = [];

async function openPage(width) {
  const page = await browser.newPage();
  await page.setViewport({ width, height: 900 });
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto(`${origin}/`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60000 });
  return page;
}

// Waits for the check that `start` begins, and returns its summary as the page shows it.
async function checked(page, start) {
  await page.evaluate(() => { delete document.body.dataset.checkMs; });
  await start();
  await page.waitForSelector('body[data-check-ms]', { timeout: 120000 });
  return page.evaluate(() => ({
    ms: Number(document.body.dataset.checkMs),
    state: document.getElementById('etat').textContent,
    pillars: Object.fromEntries([...document.querySelectorAll('.piliers tbody tr')]
      .map((r) => [r.dataset.pillar, r.querySelector('td').textContent])),
    report: document.getElementById('rapport').contentDocument.body.innerText,
    frame: document.getElementById('rapport').getBoundingClientRect().height,
    overflow: document.documentElement.scrollWidth > window.innerWidth,
  }));
}

async function pick(page, files) {
  const input = await page.$('#fichiers');
  await input.uploadFile(...files);
}

// Drops files on the page as a drag from the file manager does.
async function drop(page, files) {
  const payload = files.map(([path, name]) => ({
    name: name ?? basename(path),
    data: readFileSync(path).toString('base64'),
  }));
  await page.evaluate((payload) => {
    const transfer = new DataTransfer();
    for (const f of payload) {
      const bytes = Uint8Array.from(atob(f.data), (c) => c.charCodeAt(0));
      transfer.items.add(new File([bytes], f.name));
    }
    document.documentElement.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, payload);
}

for (const width of [1280, 400]) {
  const page = await openPage(width);
  for (const [i, dossier] of DOSSIERS.entries()) {
    const how = i === 0 ? 'picked' : 'dropped';
    const seen = await checked(page, () => (i === 0
      ? pick(page, dossier.files)
      : drop(page, dossier.files.map((f) => [f]))));
    check(`${width} px, ${dossier.name} (${how}): checked`, seen.state.startsWith('Dossier vérifié'), seen.state);
    for (const [tag, status] of Object.entries(dossier.pillars)) {
      check(`${width} px, ${dossier.name}: pillar ${tag} is « ${status} »`, seen.pillars[tag] === status, seen.pillars[tag]);
    }
    check(`${width} px, ${dossier.name}: the report says « ${dossier.finding} »`, seen.report.includes(dossier.finding));
    check(`${width} px, ${dossier.name}: the report is shown whole`, seen.frame > 600, String(seen.frame));
    check(`${width} px, ${dossier.name}: nothing wider than the window`, !seen.overflow);
    // A link of the synthesis leads to its pillar, inside the report.
    const frame = page.frames().find((f) => f.url() === 'about:srcdoc');
    await page.evaluate(() => window.scrollTo(0, 0));
    await frame.click('a[href="#dossier-1-public"]');
    await new Promise((done) => setTimeout(done, 300));
    const scrolled = await page.evaluate(() => window.scrollY);
    check(`${width} px, ${dossier.name}: a link of the report leads to its pillar`,
      scrolled > 300 && frame.url() === 'about:srcdoc', `${scrolled} ${frame.url()}`);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(artifacts, `${dossier.name}-${width}.png`), fullPage: true });
    await page.screenshot({ path: join(artifacts, `${dossier.name}-${width}-top.png`) });
    // For the README: the page down to the top of the report's synthesis.
    await page.screenshot({
      path: join(artifacts, `${dossier.name}-${width}-readme.png`),
      clip: { x: 0, y: 0, width, height: 1350 },
      captureBeyondViewport: true,
    });
  }
  // The report downloads as the file `tenderlint report` writes.
  const downloads = join(artifacts, `downloads-${width}`);
  rmSync(downloads, { recursive: true, force: true });
  mkdirSync(downloads, { recursive: true });
  const cdp = await page.createCDPSession();
  await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads });
  await page.click('#telecharger');
  const file = join(downloads, 'rapport-tenderlint.html');
  for (let i = 0; i < 100 && !existsSync(file); i += 1) await new Promise((d) => setTimeout(d, 100));
  const html = existsSync(file) ? readFileSync(file, 'utf8') : '';
  check(`${width} px: the report downloads as an HTML page`, html.startsWith('<!DOCTYPE html>') && html.includes(DOSSIERS[1].finding));
  // The last dossier's Word document downloads as an annotated copy: a Word file whose
  // comments part holds tenderlint's comments (their texts are compressed: the part's name and
  // size tell it is there).
  const buttons = await page.$$('.annotee');
  check(`${width} px: one button for the annotated copy of the Word document`, buttons.length === 1, String(buttons.length));
  if (buttons.length === 1) {
    await buttons[0].click();
    const copy = join(downloads, 'CCTP-annoté.docx');
    for (let i = 0; i < 100 && !existsSync(copy); i += 1) await new Promise((d) => setTimeout(d, 100));
    const bytes = existsSync(copy) ? readFileSync(copy) : Buffer.alloc(0);
    const original = readFileSync(fixture('formats', 'defaut-docx', 'CCTP.docx'));
    check(`${width} px: the annotated copy downloads as a Word file with a comments part`,
      bytes.subarray(0, 2).toString() === 'PK' && bytes.includes('word/comments.xml') && bytes.length > original.length,
      `${bytes.length} bytes`);
  }
  await page.close();
}

// A file that cannot be read, and one of a type not read, are named; the others are checked.
{
  const page = await openPage(1280);
  const broken = join(artifacts, 'CCAP.docx');
  const other = join(artifacts, 'budget.xlsx');
  writeFileSync(broken, 'not a Word document');
  writeFileSync(other, 'PK');
  const seen = await checked(page, () => pick(page, [fixture('formats', 'defaut-docx', 'CCTP.docx'), broken, other]));
  const unread = await page.evaluate(() => document.querySelector('.unread')?.textContent ?? '');
  check('a broken file and a file of another type are named, the rest is checked',
    seen.state.startsWith('Dossier vérifié') && unread.includes('CCAP.docx (illisible, voir le rapport)') && unread.includes('budget.xlsx (format non lu)'),
    unread);
  // Nothing readable: the page says so instead of « Dossier vérifié ».
  const none = await checked(page, () => pick(page, [broken]));
  check('a dossier of which nothing can be read is not called checked',
    none.state.startsWith('Aucun document du dossier n’a pu être lu'), none.state);
  await page.close();
}

// The drop-to-report time of the ~200 KB dossier, in a fresh page (best of three drops).
{
  const page = await openPage(1280);
  const bytes = LARGE.reduce((n, [p]) => n + statSync(p).size, 0);
  const times = [];
  let seen = null;
  for (let i = 0; i < 3; i += 1) {
    seen = await checked(page, () => drop(page, LARGE));
    times.push(seen.ms);
  }
  check(`the ${Math.round(bytes / 1000)} KB dossier is checked`, seen.state.startsWith('Dossier vérifié'), seen.state);
  console.log(`# ${LARGE.length} files, ${bytes} bytes: drop to report ${times.join(' / ')} ms (first / second / third)`);
  await page.screenshot({ path: join(artifacts, 'dossier-200k-1280.png') });
  await page.close();
}

await browser.close();
server.close();

// No request but for the page's own files, from its own server.
const elsewhere = requests.filter((u) => !(u.startsWith(`${origin}/`) && own.has(new URL(u).pathname.slice(1) || 'index.html')));
check(`every request is for the page's own files (${requests.length} requests)`, elsewhere.length === 0, elsewhere.join(', '));
check('the server was asked only for the page\'s files', served.every((n) => own.has(n)), served.join(', '));
check('no error in the console', problems.length === 0, problems.join(' | '));
const byFile = {};
for (const u of requests) {
  const name = new URL(u).pathname;
  byFile[name] = (byFile[name] ?? 0) + 1;
}
console.log(`# requests: ${JSON.stringify(byFile)}`);
const wasm = readFileSync(join(dist, 'tenderlint_web_bg.wasm'));
const total = [...own].reduce((n, f) => n + gzipSync(readFileSync(join(dist, f)), { level: 9 }).length, 0);
console.log(`# module: ${wasm.length} bytes, ${gzipSync(wasm, { level: 9 }).length} gzipped; the page's files, gzipped: ${total} bytes`);

if (process.argv.includes('--readme')) {
  copyFileSync(join(artifacts, 'defaut-docx-1280-readme.png'), join(root, 'docs', 'web-page.png'));
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
