// Showing results: DOM helpers, and the verdict of a license and the result of an attachment
// check drawn in the current language (remembered in state.shown for a language switch).
import { state } from './state.js';
import { WORDS, t } from './words.js';

export const $ = (id) => document.getElementById(id);

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) node.append(c);
  return node;
}

// A resident identity number, masked (`3502**********1233`) until the user presses 显示 / Show.
function maskedValue(field) {
  const dd = el('dd', { class: 'masked', 'data-masked': 'true' });
  const value = el('span', {}, field.masked);
  const button = el('button', { type: 'button', class: 'small reveal', 'aria-pressed': 'false' }, t('reveal'));
  button.addEventListener('click', () => {
    const reveal = dd.dataset.masked === 'true';
    value.textContent = reveal ? field.value : field.masked;
    dd.dataset.masked = String(!reveal);
    button.textContent = t(reveal ? 'conceal' : 'reveal');
    button.setAttribute('aria-pressed', String(reveal));
  });
  dd.append(value, ' ', button);
  return dd;
}

// Rows of [label, value, mono, field]: `field`, a license row (FieldView), may be one the holder
// did not show (未出示 / not shown) or a masked identity number.
function fieldList(rows) {
  const dl = el('dl', { class: 'fields' });
  for (const [label, value, mono, field] of rows) {
    const attrs = field ? { 'data-key': field.key } : {};
    if (field?.not_shown) {
      dl.append(el('div', { ...attrs, 'data-not-shown': 'true' }, el('dt', {}, label), el('dd', { class: 'not-shown' }, t('notShown'))));
      continue;
    }
    if (value === null || value === undefined || value === '') continue;
    const dd = field?.masked ? maskedValue(field) : el('dd', mono ? { class: 'mono' } : {}, String(value));
    dl.append(el('div', attrs, el('dt', {}, label), dd));
  }
  return dl;
}

// The type with its code (what the certificate permits); a name that no built-in template
// vouches for is marked as the issuer's own (docs/FORMAT.md §3.3).
function typeText(license) {
  const name = state.lang === 'en' && license.type_name_en ? license.type_name_en : license.type_name;
  const stated = license.type_name_source === 'issuer' ? ` (${t('statedByIssuer')})` : '';
  return `${name} [${license.type_code}]${stated}`;
}

function licenseRows(license) {
  const rows = [
    [t('type'), typeText(license)],
    [t('id'), license.id],
  ];
  for (const f of license.fields) rows.push([state.lang === 'zh' ? f.label_zh : f.label_en, f.value, false, f]);
  return rows;
}

function attachmentList(license) {
  if (!license.attachments.length) return '';
  const ul = el('ul');
  for (const a of license.attachments) ul.append(el('li', {}, `${a.file_name} (${a.media_type}, ${a.size})`));
  return el('div', {}, el('h3', {}, t('attachments')), ul);
}

// `ok`: true (green ✓), false (red ✗) or 'test' (amber ⚠: valid only under a TEST-ONLY root,
// or with a stale or unknown revocation state, which must never look like the plain green
// "valid"). `trust`: the verdict's trust origin.
export function setVerdict(box, ok, word, trust = '') {
  box.className = `verdict ${ok === 'test' ? 'test' : ok ? 'ok' : 'bad'}`;
  box.querySelector('.mark').textContent = ok === 'test' ? '⚠' : ok ? '✓' : '✗';
  box.querySelector('.word').textContent = word;
  box.dataset.trust = trust || '';
}

// The tone of a valid verdict or matching file: amber for a TEST-ONLY root.
export const tone = (trustOrigin) => (trustOrigin === 'test' ? 'test' : true);

// Stale and unknown revocation states are amber, with their own word (docs/TRUST.md §4).
const UNCHECKED = { stale: 'revStaleWord', unknown: 'revUnknownWord' };

// A license verdict's tone and word: green 有效, amber (TEST-ONLY root, or a stale or unknown
// revocation state) or red 无效.
export function verdictLook(v) {
  const test = v.valid && v.trust_origin === 'test';
  const unchecked = v.valid && UNCHECKED[v.revocation];
  const word = test ? t('demo') : unchecked ? t(unchecked) : v.valid ? t('valid') : t('invalid');
  return { ok: v.valid && (unchecked ? 'test' : tone(v.trust_origin)), word, test, unchecked };
}

export function showVerdict(v) {
  state.shown.verdict = v;
  $('result').hidden = false;
  const { ok, word, test, unchecked } = verdictLook(v);
  setVerdict($('verdict'), ok, word, v.trust_origin);
  $('verdict').dataset.code = v.valid ? 'valid' : v.code;
  $('verdict').dataset.revocation = v.revocation ?? '';
  const details = $('details');
  details.replaceChildren();
  if (v.valid) {
    const origin = t('origin')[v.trust_origin] ?? v.trust_origin;
    // The revocation state in the core's words, with the list's date and age.
    const revocation = state.lang === 'zh' ? v.revocation_zh : v.revocation_en;
    const reason = test ? `${t('demoReason')} ${v.signer}`
      : v.trust_origin === 'added_on_device' ? `${t('validReason')} ${v.signer} · ${t('trustOrigin')}：${origin}`
        : `${t('validReason')} ${v.signer}`;
    $('reason').textContent = unchecked ? `${revocation} · ${reason}` : reason;
    // A presentation: the holder chose what to show; the verdict is the same.
    if (v.license.partial) details.append(el('p', { class: 'partial', id: 'partial' }, t('partial')));
    details.append(
      fieldList([...licenseRows(v.license), [t('issuer'), v.signer], [t('root'), v.root], [t('trustOrigin'), origin],
        [t('revocation'), revocation]]),
      attachmentList(v.license),
    );
  } else {
    $('reason').textContent = state.lang === 'zh' ? v.reason_zh : v.reason_en;
    if (v.license) {
      const box = el('details', { class: 'unverified' }, el('summary', {}, t('showUnverified')));
      box.append(el('p', {}, el('strong', {}, t('unverified'))), fieldList(licenseRows(v.license)));
      details.append(box);
    }
  }
  $('result').scrollIntoView({ behavior: 'smooth', block: 'start' });
}

// In the holder's mode (holder.js) a problem is said in the holder's section, where the user looks.
function showOwnProblem(message) {
  state.own = { kind: 'message', message };
  $('holder').hidden = false;
  $('holder').dataset.kind = 'message';
  $('holder-title').textContent = '';
  $('holder-verdict').hidden = true;
  $('holder-body').replaceChildren(el('p', { class: 'reason', id: 'holder-message' }, message));
}

// A message in the verdict area for input that is not a license at all (no QR found ...).
export function showProblem(message) {
  if (state.mode === 'holder') return showOwnProblem(message);
  showVerdict({ valid: false, code: 'input', reason_zh: message, reason_en: message, license: null });
}

// The verdict for an input the core could not take (a CoreError), in both languages.
export function showCoreProblem(e) {
  if (state.mode === 'holder') return showOwnProblem(WORDS[state.lang][e.key]);
  showVerdict({ valid: false, code: 'core', reason_zh: WORDS.zh[e.key], reason_en: WORDS.en[e.key], license: null });
}

// The QR codes of one image when it held several (input.js handleTexts): each with its kind and
// what the page did with it, so that it is plain which one the verdict is about. `shown`:
// { codes: [{ text, kind, role }], verify(codes, code) } or null (no list).
export function showCodes(shown) {
  state.shown.codes = shown;
  const box = $('qr-codes');
  box.replaceChildren();
  box.hidden = !shown;
  if (!shown) return;
  const ol = el('ol');
  for (const c of shown.codes) {
    const quoted = c.text.length > 40 ? `${c.text.slice(0, 40)}…` : c.text;
    const li = el('li', { 'data-role': c.role, 'data-kind': c.kind ?? '' },
      el('strong', {}, t('codeKinds')[c.kind] ?? t('codeKinds').unknown), ` · ${t('codeRoles')[c.role]}`,
      el('br'), el('span', { class: 'mono' }, quoted));
    if (c.role === 'other') {
      const button = el('button', { type: 'button', class: 'small' }, t('verifyThis'));
      button.addEventListener('click', () => shown.verify(shown.codes, c));
      li.append(button);
    }
    ol.append(li);
  }
  box.append(el('p', {}, t('codesFound')(shown.codes.length)), ol);
}

export function showAttachment(a) {
  state.shown.attachment = a;
  $('att-result').hidden = false;
  const details = $('att-details');
  details.replaceChildren();
  if (a.kind === 'none') {
    setVerdict($('att-verdict'), false, '?');
    $('att-verdict').dataset.code = 'none';
    $('att-reason').textContent = t('needRecord');
    details.append(fieldList([[t('actualHash'), a.sha256, true], [t('size'), a.size]]));
    return;
  }
  if (a.kind === 'problem') {
    setVerdict($('att-verdict'), false, t('invalid'));
    $('att-verdict').dataset.code = 'core';
    $('att-reason').textContent = t(a.key);
    return;
  }
  const r = a.r;
  const ok = r.outcome === 'match';
  const test = ok && r.trust_origin === 'test';
  const word = test ? t('demo') : ok ? t('match') : r.outcome === 'invalid' || r.outcome === 'license_invalid' ? t('invalid') : t('mismatch');
  setVerdict($('att-verdict'), ok && tone(r.trust_origin), word, r.trust_origin);
  $('att-verdict').dataset.code = r.outcome === 'invalid' ? r.code : r.outcome;
  if (a.kind === 'attestation') {
    $('att-reason').textContent = test ? `${t('demoMatch')} · ${r.signer}`
      : ok ? `${r.statement} · ${r.signer}` : (state.lang === 'zh' ? r.reason_zh : r.reason_en);
    details.append(fieldList([
      [t('issuer'), r.signer], [t('trustOrigin'), t('origin')[r.trust_origin]], [t('statement'), r.statement],
      [t('officer'), [r.officer_name, r.officer_id].filter(Boolean).join(' ')], [t('attestedAt'), r.attested_at],
      [t('fileName'), r.file_name], [t('license'), r.license],
      [t('attestedHash'), r.attested_sha256, true], [t('actualHash'), r.actual_sha256, true], [t('size'), r.actual_size],
    ]));
  } else {
    $('att-reason').textContent = (test ? `${t('demo')} · ` : '') + (state.lang === 'zh' ? r.reason_zh : r.reason_en);
    details.append(fieldList([
      [t('license'), r.license], [t('fileName'), r.attachment?.file_name],
      [t('actualHash'), r.actual_sha256, true], [t('size'), r.actual_size],
    ]));
  }
}
