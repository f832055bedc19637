// The page: the facilitator drops or picks the files of a dossier; they are read here, checked by
// tenderlint compiled to WebAssembly (tenderlint_web.js and its .wasm, made by build.sh), and
// the report is shown and offered for download. Nothing is sent anywhere: the only requests are
// for the page's own files.

const EXTENSIONS = ['docx', 'odt', 'pdf', 'md', 'markdown', 'txt', 'html', 'htm'];
// The documents an annotated copy can be made of (the module's `annotate`).
const ANNOTATED = ['docx', 'odt'];
// The pillars' statuses, as the report names them, and their colours.
const STATUS_CLASS = {
  conforme: 's-ok', 'à compléter': 's-todo', 'non conforme': 's-ko', 'à vérifier': 's-na',
};

const $ = (id) => document.getElementById(id);
const state = $('etat');

// The compiled module is fetched and compiled once; an instance of it is made again after a
// panic, which aborts the one it happens in (WebAssembly has no unwinding).
let compiled = null;
let instance = null;
let instances = 0;

async function load() {
  if (!compiled) {
    const url = new URL('tenderlint_web_bg.wasm', import.meta.url);
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url.pathname} : ${response.status}`);
    compiled = await WebAssembly.compile(await response.arrayBuffer());
  }
  // Each import of another URL is a module of its own, with a fresh instance.
  const suffix = instances === 0 ? '' : `?instance=${instances}`;
  instances += 1;
  const glue = await import(`./tenderlint_web.js${suffix}`);
  glue.initSync({ module: compiled });
  return glue;
}

function extension(name) {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
}

function plural(n, one, many) {
  return `${n} ${n > 1 ? many : one}`;
}

function seconds(ms) {
  return `${(ms / 1000).toLocaleString('fr-FR', { maximumFractionDigits: 1, minimumFractionDigits: 1 })} s`;
}

// The files of a drop: files, and the files inside a dropped folder and its subfolders (its
// annexes belong to the dossier, as on the command line), named by their path in the folder
// (`annexes/Annexe2.md`); the dossier takes the folder's name.
async function dropped(transfer) {
  const entries = [...transfer.items]
    .filter((item) => item.kind === 'file')
    .map((item) => (item.webkitGetAsEntry ? item.webkitGetAsEntry() : null));
  if (entries.length === 0 || entries.some((e) => e === null)) {
    return { name: null, files: [...transfer.files] };
  }
  const files = [];
  let name = null;
  const fileOf = (entry) => new Promise((ok, ko) => entry.file(ok, ko));
  const walk = async (folder, prefix) => {
    const reader = folder.createReader();
    for (;;) {
      const batch = await new Promise((ok, ko) => reader.readEntries(ok, ko));
      if (batch.length === 0) break;
      for (const child of batch) {
        if (child.name.startsWith('.')) continue;
        if (child.isFile) {
          const file = await fileOf(child);
          files.push({ name: `${prefix}${child.name}`, arrayBuffer: () => file.arrayBuffer() });
        } else if (child.isDirectory) {
          await walk(child, `${prefix}${child.name}/`);
        }
      }
    }
  };
  // Several folders dropped together: their files are named with their folder, so that two
  // `CCTP.docx` stay two documents.
  const folders = entries.filter((e) => e.isDirectory).length;
  for (const entry of entries) {
    if (entry.isFile) {
      files.push(await fileOf(entry));
    } else if (entry.isDirectory) {
      name = name ?? entry.name;
      await walk(entry, folders > 1 ? `${entry.name}/` : '');
    }
  }
  return { name, files };
}

// What the last check gave, for the download buttons.
let last = null;

async function check(files, name, started) {
  const kept = files.filter((f) => EXTENSIONS.includes(extension(f.name)));
  const left = files.filter((f) => !kept.includes(f)).map((f) => f.name);
  if (kept.length === 0) {
    state.textContent = files.length === 0
      ? 'Aucun fichier déposé.'
      : `Aucun fichier d’un format lu parmi ceux déposés (${left.join(', ')}).`;
    return;
  }
  state.textContent = `Vérification de ${plural(kept.length, 'fichier', 'fichiers')}…`;
  $('resultat').hidden = true;
  const read = await Promise.all(kept.map(async (f) => ({
    name: f.name,
    bytes: new Uint8Array(await f.arrayBuffer()),
  })));
  // Let the browser show the message before the check holds the page.
  await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
  let checked;
  try {
    instance = instance ?? await load();
    const dossier = new instance.Dossier(name ?? 'dossier déposé');
    for (const f of read) dossier.add(f.name, f.bytes);
    checked = dossier.check();
  } catch (e) {
    let why = String(e && e.message ? e.message : e);
    if (e instanceof WebAssembly.RuntimeError && instance) {
      try { why = instance.last_panic() ?? why; } catch { /* the instance is gone */ }
      instance = null;
    }
    state.textContent = `La vérification a échoué : erreur interne de tenderlint (${why}). `
      + 'Vous pouvez réessayer ; si l’erreur revient, vérifiez ce dossier avec la commande tenderlint.';
    return;
  }
  const summary = JSON.parse(checked.summary);
  last = { html: checked.html, summary, name, read };
  await show(summary, checked.html, left);
  const ms = performance.now() - started;
  document.body.dataset.checkMs = ms.toFixed(0);
  if (summary.dossiers.length === 0) {
    state.textContent = 'Aucun document du dossier n’a pu être lu : le rapport dit pourquoi.';
    return;
  }
  state.textContent = `Dossier vérifié en ${seconds(ms)} : `
    + `${plural(summary.findings, 'constat', 'constats')}`
    + ` (${plural(summary.errors, 'erreur', 'erreurs')}, `
    + `${plural(summary.warnings, 'avertissement', 'avertissements')}, `
    + `${plural(summary.infos, 'information', 'informations')}).`;
}

// The summary above the report: the pillars, the files left out, the download buttons.
async function show(summary, html, left) {
  const box = $('synthese');
  box.replaceChildren();
  for (const dossier of summary.dossiers) {
    const table = document.createElement('table');
    table.className = 'piliers';
    table.createCaption().textContent = `Synthèse par pilier — ${plural(dossier.documents.length, 'document', 'documents')}`;
    const head = table.createTHead().insertRow();
    for (const title of ['Pilier', 'Statut', 'Constats']) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.textContent = title;
      head.append(th);
    }
    const body = table.createTBody();
    for (const p of dossier.pillars) {
      const row = body.insertRow();
      row.dataset.pillar = p.tag;
      const th = document.createElement('th');
      th.scope = 'row';
      th.textContent = p.name;
      row.append(th);
      const status = row.insertCell();
      status.className = `status ${STATUS_CLASS[p.status] ?? ''}`;
      status.textContent = p.status;
      row.insertCell().textContent = String(p.findings);
    }
    box.append(table);
  }
  // The reasons are the report's, which lists them.
  const unread = summary.unread.map((u) => `${u.name} (illisible, voir le rapport)`)
    .concat(left.map((n) => `${n} (format non lu)`));
  if (unread.length > 0) {
    const p = document.createElement('p');
    p.className = 'unread';
    p.textContent = `Fichiers non vérifiés : ${unread.join(' ; ')}.`;
    box.append(p);
  }
  annotateButtons(summary);
  $('resultat').hidden = false;
  const frame = $('rapport');
  const loaded = new Promise((done) => frame.addEventListener('load', done, { once: true }));
  frame.srcdoc = html;
  await loaded;
  frame.contentDocument.addEventListener('click', follow);
  fit();
}

// A link of the report: its own anchors are scrolled to here (in a frame of `srcdoc`, `#id`
// would mean the page's address, and load it in the frame); another address opens in a tab of
// its own, at the reader's click.
function follow(event) {
  const link = event.target.closest && event.target.closest('a[href]');
  if (!link) return;
  event.preventDefault();
  const href = link.getAttribute('href');
  if (href.startsWith('#')) {
    const target = link.ownerDocument.getElementById(decodeURIComponent(href.slice(1)));
    if (target) target.scrollIntoView({ block: 'start' });
  } else {
    window.open(link.href, '_blank', 'noopener');
  }
}

// One button per Word or LibreOffice document: its annotated copy, downloaded.
function annotateButtons(summary) {
  const actions = $('actions');
  actions.querySelectorAll('.annotee').forEach((b) => b.remove());
  if (!instance || typeof instance.annotate !== 'function') return;
  for (const doc of summary.dossiers.flatMap((d) => d.documents)) {
    if (!ANNOTATED.includes(extension(doc.name))) continue;
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'annotee';
    button.textContent = `Télécharger la copie annotée de ${doc.name}`;
    button.addEventListener('click', () => {
      const original = last.read.find((f) => f.name === doc.name);
      let bytes;
      try {
        bytes = instance.annotate(doc.name, original.bytes);
      } catch (e) {
        state.textContent = `La copie annotée de ${doc.name} n’a pas pu être faite : ${e.message ?? e}`;
        return;
      }
      const type = extension(doc.name) === 'docx'
        ? 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'
        : 'application/vnd.oasis.opendocument.text';
      const dot = doc.name.lastIndexOf('.');
      save(new Blob([bytes], { type }), `${doc.name.slice(0, dot)}-annoté${doc.name.slice(dot)}`);
    });
    actions.append(button);
  }
}

// The report's frame as tall as the report, so that the page scrolls as one.
function fit() {
  const frame = $('rapport');
  const doc = frame.contentDocument;
  if (doc && doc.documentElement) {
    frame.style.height = '0';
    frame.style.height = `${doc.documentElement.scrollHeight + 4}px`;
  }
}

function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// A folder's name as a file name: letters, digits, dots and dashes.
function safeName(name) {
  return name.normalize('NFC').replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^-+|-+$/g, '') || 'dossier';
}

$('telecharger').addEventListener('click', () => {
  if (!last) return;
  const file = last.name ? `rapport-${safeName(last.name)}.html` : 'rapport-tenderlint.html';
  save(new Blob([last.html], { type: 'text/html;charset=utf-8' }), file);
});

$('fichiers').addEventListener('change', (event) => {
  const started = performance.now();
  const files = [...event.target.files];
  event.target.value = '';
  check(files, null, started);
});

const zone = document.documentElement;
zone.addEventListener('dragover', (event) => {
  event.preventDefault();
  $('depot').classList.add('over');
});
zone.addEventListener('dragleave', (event) => {
  if (event.relatedTarget === null) $('depot').classList.remove('over');
});
zone.addEventListener('drop', async (event) => {
  event.preventDefault();
  const started = performance.now();
  $('depot').classList.remove('over');
  const { name, files } = await dropped(event.dataTransfer);
  check(files, name, started);
});
window.addEventListener('resize', () => { if (!$('resultat').hidden) fit(); });

try {
  instance = await load();
  $('version').textContent = instance.version();
  state.textContent = 'Prêt : déposez les fichiers du dossier.';
  document.body.dataset.ready = 'true';
} catch (e) {
  state.textContent = 'Le vérificateur n’a pas pu être chargé. Ouvrez la page depuis un serveur '
    + `(les navigateurs refusent le WebAssembly d’un fichier local) : ${e.message ?? e}`;
}
