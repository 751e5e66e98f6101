// Words on the page, in Chinese and English, and the page's language.
import { state } from './state.js';

export const WORDS = {
  zh: {
    title: '电子证照核验', loading: '正在加载…', inputsTitle: '核验方式', scan: '📷 扫码核验',
    cameraHint: '请将二维码对准取景框', stop: '停止扫码', photo: '🖼 选择二维码图片',
    pasteTitle: '粘贴证照文本或链接', pasteGo: '核验', dropHint: '也可以把证照文件或二维码图片拖到本页',
    attTitle: '核对扫描件',
    attHint: '选择扫描件（或拖到这里），与核验记录（.elatt 文件或核验章二维码）或上面证照所附的文件比对。文件只在本机计算，不会上传。',
    attRecord: '选择核验记录或核验章图片', attFile: '选择扫描件', trustTitle: '信任列表',
    trustAdd: '添加信任文件（根证书、信任列表、撤销列表）', trustReset: '恢复随页面提供的信任列表',
    privacy: '全部在本机核验，不上传任何数据；首次打开后可离线使用。',
    testTrust: '测试用信任列表：仅用于演示，不可用于真实核验',
    valid: '有效', invalid: '无效', validReason: '证照真实有效，由以下机关签发', match: '一致', mismatch: '不一致',
    demo: '测试/演示', demoReason: '测试根证书签发，仅用于演示，不能作为真实证照的依据。签发机关：',
    demoMatch: '与核验记录一致，但核验记录来自测试根证书，仅用于演示',
    license: '证照', type: '证照类型', statedByIssuer: '发证机关自述，非标准证照类型', id: '证照编号', issuer: '签发机关', root: '根证书', trustOrigin: '信任来源',
    origin: { given: '指定的根证书', bundled: '随页面提供', added_on_device: '本机添加（不是随页面提供的）', test: '测试根证书（仅用于演示）' },
    revocation: '注销状态', revStaleWord: '有效，注销状态可能已过时', revUnknownWord: '有效，注销状态未核对',
    requireStatus: '要求核对最新的注销状态：注销列表过期或缺失时判为无效',
    attachments: '附件', unverified: '以下内容未经验证，不能作为依据', showUnverified: '查看未经验证的内容',
    noQr: '图片中没有找到二维码，请换一张更清晰的照片', cameraError: '无法打开摄像头：',
    noCamera: '此设备或浏览器不支持摄像头扫码，请选择图片或粘贴文本', empty: '请先输入内容',
    hashing: '正在计算…', needRecord: '请先选择核验记录，或先核验一张列有附件的证照',
    recordLoaded: '已读取核验记录：', notRecord: '这不是核验记录（也不是核验章二维码）',
    attested: '核验内容', statement: '核验说明', officer: '核验人员', attestedAt: '核验时间',
    fileName: '文件名', attestedHash: '核验记录中的 SHA-256', actualHash: '本文件的 SHA-256', size: '大小（字节）',
    trustSummary: (n) => `已信任：${n.roots} 个根证书，${n.lists} 个信任列表，${n.status} 个撤销列表`,
    trustAdded: (n) => `已添加 ${n} 个文件`, trustReset2: '已恢复随页面提供的信任列表',
    trustBad: (f, m) => `${f}：无法使用（${m}）`,
    coreTrapped: '核验程序处理这项内容时出错，已自动重新启动；这项内容无法核验',
    coreRestarting: '核验程序正在重新启动，请稍候再试', coreBroken: '核验程序多次出错，请刷新页面',
    codesFound: (n) => `图片中有 ${n} 个二维码：`, verifyThis: '核验这一个',
    codeKinds: { license: '证照', attestation: '核验章（核验记录）', trust_list: '信任列表', status_list: '撤销列表', unknown: '无法识别的内容' },
    codeRoles: { verified: '已核验，结果见下方', record: '已作为核验记录，用于核对扫描件', other: '未核验', ignored: '未使用' },
    lang: 'English', langLabel: 'English',
    logTitle: '电子监察日志', logHint: '如有签发机关给出的登记证明（.proof 文件，或它的链接），选择、拖入或粘贴链接，核对这张证照已登记在监察日志中。证明只在本机核对；证照内容不会上传。',
    proofChoose: '选择登记证明文件', proofLink: '或粘贴证明链接', proofFetch: '获取证明',
    proofWaiting: '已读取登记证明，请再核验它所属的证照', logged: '已登记', notLogged: '未证明已登记',
    proofBadLink: '链接无效：只接受 https 链接', proofFetchFailed: '无法获取证明',
  },
  en: {
    title: 'E-License Verifier', loading: 'Loading…', inputsTitle: 'How to verify', scan: '📷 Scan a QR code',
    cameraHint: 'Point the camera at the QR code', stop: 'Stop scanning', photo: '🖼 Choose a QR photo',
    pasteTitle: 'Paste a license text or link', pasteGo: 'Verify', dropHint: 'You can also drop a license file or QR image on this page',
    attTitle: 'Check a scanned file',
    attHint: 'Choose (or drop here) a scan to compare with its attestation (.elatt file or stamp QR) or with the files the license above lists. The file is processed on this device only, never uploaded.',
    attRecord: 'Choose the attestation or a stamp photo', attFile: 'Choose the scanned file', trustTitle: 'Trust lists',
    trustAdd: 'Add trust files (root certificates, trust lists, status lists)', trustReset: 'Restore the bundled trust lists',
    privacy: 'Everything is checked on this device; nothing is uploaded. Works offline after the first visit.',
    testTrust: 'TEST trust list: for demonstration only, not for real verification',
    valid: 'Valid', invalid: 'Not valid', validReason: 'Genuine and in force, issued by', match: 'Matches', mismatch: 'Does not match',
    demo: 'Test / demo', demoReason: 'Signed under a TEST root: for demonstration only, not a real license. Issued by',
    demoMatch: 'Matches the attestation, but the attestation comes from a TEST root: demonstration only',
    license: 'License', type: 'Type', statedByIssuer: 'as stated by the issuer, not a standard license type', id: 'License number', issuer: 'Issued by', root: 'Root authority', trustOrigin: 'Trust from',
    origin: { given: 'a given root', bundled: 'bundled with this page', added_on_device: 'added on this device (not bundled with this page)', test: 'a TEST root (demonstration only)' },
    revocation: 'Revocation', revStaleWord: 'Valid, revocation may be out of date', revUnknownWord: 'Valid, revocation not checked',
    requireStatus: 'Require a current revocation check: a missing or out-of-date status list makes a license not valid',
    attachments: 'Attachments', unverified: 'NOT verified: do not rely on the following', showUnverified: 'Show the unverified content',
    noQr: 'No QR code found in the image; try a sharper photo', cameraError: 'Cannot open the camera: ',
    noCamera: 'This device or browser cannot scan with the camera; choose a photo or paste the text', empty: 'Nothing to verify yet',
    hashing: 'Computing…', needRecord: 'Choose an attestation first, or verify a license that lists attachments',
    recordLoaded: 'Attestation loaded: ', notRecord: 'This is not an attestation (nor an attestation stamp QR)',
    attested: 'Attestation', statement: 'Statement', officer: 'Officer', attestedAt: 'Attested at',
    fileName: 'File name', attestedHash: 'Attested SHA-256', actualHash: 'SHA-256 of this file', size: 'Size (bytes)',
    trustSummary: (n) => `Trusted: ${n.roots} root certificate(s), ${n.lists} trust list(s), ${n.status} status list(s)`,
    trustAdded: (n) => `${n} file(s) added`, trustReset2: 'The bundled trust lists are restored',
    trustBad: (f, m) => `${f}: not usable (${m})`,
    coreTrapped: 'The verifier failed on this input and has restarted; this input cannot be verified',
    coreRestarting: 'The verifier is restarting; please try again in a moment',
    coreBroken: 'The verifier failed repeatedly; please reload the page',
    codesFound: (n) => `The image holds ${n} QR codes:`, verifyThis: 'Verify this one',
    codeKinds: { license: 'License', attestation: 'Attestation stamp', trust_list: 'Trust list', status_list: 'Status list', unknown: 'Not recognised' },
    codeRoles: { verified: 'verified, see the verdict below', record: 'taken as the attestation, to check a scanned file with', other: 'not verified', ignored: 'not used' },
    lang: '中文', langLabel: '中文',
    logTitle: 'Supervision log', logHint: 'If the issuing department gave you a proof of logging (a .proof file, or a link to one), choose it, drop it or paste the link to check that this license is in its supervision log. The proof is checked on this device; nothing about the license is uploaded.',
    proofChoose: 'Choose a proof file', proofLink: 'or paste a link to a proof', proofFetch: 'Fetch the proof',
    proofWaiting: 'Proof loaded; now verify the license it is for', logged: 'Logged', notLogged: 'Not shown logged',
    proofBadLink: 'Not a usable link: only https links', proofFetchFailed: 'The proof could not be fetched',
  },
};

const LANG_KEY = 'elicense.lang';

// Take the language saved in this browser (Chinese unless English was chosen).
export function loadLanguage() {
  state.lang = localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh';
}

// Switch to the other language and keep the choice in this browser.
export function switchLanguage() {
  state.lang = state.lang === 'zh' ? 'en' : 'zh';
  localStorage.setItem(LANG_KEY, state.lang);
}

// The word `key` of WORDS in the page's language.
export const t = (key) => WORDS[state.lang][key];
