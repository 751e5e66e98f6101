//! WebAssembly bindings of `elicense-core` for the browser (and Node.js) verifier.
//!
//! A thin wasm-bindgen layer: every check lives in the core library; this crate only converts
//! arguments, results and errors between Rust and JavaScript. Key generation and issuance are
//! not exported (the core's `issuance` feature is off), so the build needs no randomness.
//!
//! JavaScript API (names as seen from JS):
//!
//! - `new Verifier()`, then `addRoot(pemOrDer, origin?)` (`origin`: `"given"` (default),
//!   `"bundled"`, `"added_on_device"` or `"test"`), `loadTrustList(cose, nowUnixSeconds)`,
//!   `loadStatusList(cose, nowUnixSeconds)`: each throws an `Error` whose `message` is the core
//!   error's and whose `code` is its stable code (`TrustError::code`).
//! - `verifier.trustState()`: the highest trust-list sequence seen per root, as JSON text to
//!   keep (the page's `localStorage`); `verifier.remember(json)` before loading lists makes an
//!   older list `stale` after a restart (throws with code `bad_state` on a damaged record).
//! - `verifier.verify(text, nowUnixSeconds, requireStatus?)`: a plain object, the core's
//!   `VerdictView` (`valid`, `code`, `reason_zh`, `reason_en`, `kid`, `signer`, `root`,
//!   `root_fingerprint`, `trust_origin`, `revocation` (`checked`, `stale`, `unknown`,
//!   `not_applicable`), `revocation_zh`, `revocation_en`, `status_list`, `trust_list` (each a
//!   `ListView` with the list's dates and age), `license`), absent values as `null`, exactly as
//!   the CLI's `--json` output. With `requireStatus` true, a stale or unknown revocation state
//!   is invalid (`revocation_stale`, `revocation_unknown`; the core's `Verdict::require_status`,
//!   the CLI's `--require-status`).
//! - `verifier.verifyBytes(bytes, nowUnixSeconds, requireStatus?)`: the same for a dropped file
//!   (COSE_Sign1 bytes or a text file).
//! - `documentKind(bytes)`: `"license"`, `"attestation"`, `"trust_list"`, `"status_list"` or
//!   `undefined`, from the unverified header, to route a scanned code or dropped file.
//! - `new FileHasher()`, `update(chunk)` any number of times, `finish()`: a `FileDigest`
//!   (`sha256` hex, `size`) of a file read slice by slice (never whole).
//! - `verifier.verifyAttachment(digest, attestation, nowUnixSeconds)`: the file against a
//!   detached attestation or stamp text (bytes): the core's `AttachmentVerdictView`.
//! - `verifier.checkLicenseFile(license, digest, nowUnixSeconds, requireStatus?)`: the file
//!   against the attachments a license lists: the core's `LicenseFileView` (with
//!   `requireStatus`, a license with a stale or unknown revocation state is invalid).
//! - `verifier.checkLogProof(license, proof, nowUnixSeconds, requireStatus?)`: the license
//!   (text or COSE bytes) verified and a proof of its logging (`c2sp.org/tlog-proof@v1` file
//!   bytes) checked for it under the trust list's policy, offline: the core's
//!   `LoggedVerdictView`, `{ verdict: VerdictView, log: LogProofView }` (`log.outcome`
//!   `logged`, `not_logged` with a `LogProofCode`, or `license_invalid`).
//!
//! The holder's mode (`disclosureUnits`, `present`, `qrCode`) is not here: it is the third
//! module, `elicense-wasm-holder` (`wasm/holder/`), loaded when the holder's mode opens.
//!
//! Reading QR codes from images is not here: it is the second module, `elicense-wasm-qr`
//! (`wasm/qr/`), loaded only when a photo or the camera needs it.
//!
//! The result objects are described by TypeScript interfaces in the generated `.d.ts`.

#![forbid(unsafe_code)]

use elicense::{
    check_verified_log_proof, AttachmentVerdictView, Input, LicenseFileView, LoggedVerdictView,
    TrustError, TrustOrigin, TrustState, TrustStore, VerdictView,
};
use elicense::{verify_attachment, FileDigest as CoreDigest, FileHasher as CoreHasher};
use serde::Serialize;
use time::OffsetDateTime;
use wasm_bindgen::prelude::*;

/// A JS `Error` with `message`, and a `code` property when the core has one.
fn js_error(message: &str, code: Option<&str>) -> JsValue {
    let error = js_sys::Error::new(message);
    if let Some(code) = code {
        // Setting a property on a fresh Error object cannot fail.
        let _ = js_sys::Reflect::set(&error, &"code".into(), &code.into());
    }
    error.into()
}

fn trust_error(e: TrustError) -> JsValue {
    js_error(&e.to_string(), Some(e.code()))
}

/// The instant `seconds` after the Unix epoch (fractions allowed, as `Date.now() / 1000`).
fn instant(seconds: f64) -> Result<OffsetDateTime, JsValue> {
    let bad = || {
        js_error(
            &format!("not a valid time: {seconds} seconds"),
            Some("bad_time"),
        )
    };
    if !seconds.is_finite() {
        return Err(bad());
    }
    // `as` saturates; anything out of range is rejected by `time`.
    OffsetDateTime::from_unix_timestamp_nanos((seconds * 1e9) as i128).map_err(|_| bad())
}

/// A plain JS object (JSON-compatible: maps as objects, absent values as `null`).
fn to_js(value: &impl Serialize) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| js_error(&e.to_string(), None))
}

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** A labelled license row: `not_shown` when a presentation hides it (value empty); `masked` for a resident identity number (show it, reveal `value` on request). */
export interface FieldView { key: string; label_zh: string; label_en: string; type: "text" | "date" | "integer" | "bytes"; value: string; not_shown?: true; masked?: string; }
/** A file a license lists. */
export interface AttachmentView { file_name: string; media_type: string; size: number; sha256: string; }
/** A license for display. */
export interface LicenseView { id: string; type_code: string; type_name: string; type_name_en: string | null; type_name_source: "template" | "issuer"; issuer_name: string; issuer_code: string; fields: FieldView[]; attachments: AttachmentView[]; status_index: number | null; partial: boolean; }
/** Every reason code, in the order of the verification steps (core's REASON_CODES; a test keeps them equal). */
export type ReasonCode = "empty" | "text_too_long" | "bad_prefix" | "unsupported_version" | "unknown_form" | "bad_url" | "insecure_url" | "bad_base45" | "bad_base64" | "bad_compression" | "unknown_dictionary" | "too_large" | "bad_cose" | "bad_header" | "unsupported_algorithm" | "wrong_document_type" | "unknown_signer" | "certificate_revoked" | "bad_signature" | "bad_cbor" | "bad_license" | "bad_disclosure" | "below_minimum_disclosure" | "issuer_not_signer" | "type_not_permitted" | "issued_before_certificate" | "certificate_expired" | "type_mismatch" | "issued_in_future" | "revoked" | "not_yet_valid" | "expired" | "revocation_stale" | "revocation_unknown";
/** Where the trust in a signer comes from; "test" is a TEST-ONLY root: never show it as plainly valid. */
export type TrustOrigin = "given" | "bundled" | "added_on_device" | "test";
/** A license verdict (docs/FORMAT.md §7 lists the codes). */
export interface VerdictView { valid: boolean; code: ReasonCode | null; reason_zh: string | null; reason_en: string | null; kid: string | null; signer: string | null; root: string | null; root_fingerprint: string | null; trust_origin: TrustOrigin | null; revocation: "checked" | "stale" | "unknown" | "not_applicable" | null; revocation_zh: string | null; revocation_en: string | null; status_list: ListView | null; trust_list: ListView | null; license: LicenseView | null; }
export interface ListView { state: "checked" | "stale" | "unknown"; sequence: number; issued_at: string; next_update: string; age_seconds: number; }
/** A file checked against an attestation. */
export interface AttachmentVerdictView { outcome: "match" | "mismatch" | "invalid"; code: ReasonCode | null; reason_zh: string | null; reason_en: string | null; attested_sha256: string | null; attested_size: number | null; actual_sha256: string; actual_size: number; signer: string | null; trust_origin: TrustOrigin | null; statement: string | null; officer_id: string | null; officer_name: string | null; file_name: string | null; media_type: string | null; attested_at: string | null; license: string | null; }
/** Why a proof of logging does not show a license logged (core's LOG_PROOF_CODES; a test keeps them equal). */
export type LogProofCode = "proof_malformed" | "document_unreadable" | "not_a_log_key" | "other_document" | "checkpoint_invalid" | "not_included" | "log_not_named" | "witness_quorum";
/** A proof of logging checked for a license: logged (with the log, entry and witnesses), or why not. */
export interface LogProofView { outcome: "logged" | "not_logged" | "license_invalid"; code: LogProofCode | ReasonCode | null; reason_zh: string; reason_en: string; origin: string | null; index: number | null; size: number | null; witnessed_by: string[]; }
/** A license's verdict and the check of a proof of its logging. */
export interface LoggedVerdictView { verdict: VerdictView; log: LogProofView; }
/** A file checked against the attachments a license lists. */
export interface LicenseFileView { outcome: "match" | "not_listed" | "license_invalid"; code: ReasonCode | null; reason_zh: string; reason_en: string; attachment: AttachmentView | null; license: string | null; trust_origin: TrustOrigin | null; actual_sha256: string; actual_size: number; }
"#;

/// Incremental SHA-256 and size of a file fed slice by slice (`File.slice` + `arrayBuffer`).
#[wasm_bindgen]
#[derive(Debug, Default)]
pub struct FileHasher {
    inner: CoreHasher,
}

#[wasm_bindgen]
impl FileHasher {
    /// A hasher with nothing fed yet.
    #[wasm_bindgen(constructor)]
    pub fn new() -> FileHasher {
        FileHasher::default()
    }

    /// Feed the next slice of the file.
    pub fn update(&mut self, chunk: &[u8]) {
        self.inner.update(chunk);
    }

    /// The digest of everything fed (the hasher is used up).
    pub fn finish(self) -> FileDigest {
        FileDigest {
            inner: self.inner.finish(),
        }
    }
}

/// The SHA-256 and size of a file.
#[wasm_bindgen]
#[derive(Debug, Clone, Copy)]
pub struct FileDigest {
    inner: CoreDigest,
}

#[wasm_bindgen]
impl FileDigest {
    /// SHA-256 in lowercase hex.
    #[wasm_bindgen(getter)]
    pub fn sha256(&self) -> String {
        self.inner.sha256_hex()
    }

    /// Size in bytes (exact up to 2^53, i.e. 8 PiB).
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> f64 {
        self.inner.size as f64
    }
}

/// What kind of signed document `bytes` (a file, or a text's UTF-8) claims to be, unverified:
/// `license`, `attestation`, `trust_list`, `status_list`, or `undefined`.
#[wasm_bindgen(js_name = documentKind)]
pub fn document_kind(bytes: &[u8]) -> Option<String> {
    Input::sniff(bytes)
        .document_kind()
        .map(|k| k.code().to_owned())
}

/// A verifier: the set of roots, trust lists and status lists it trusts, and verification.
#[wasm_bindgen]
#[derive(Debug, Default)]
pub struct Verifier {
    trust: TrustStore,
}

#[wasm_bindgen]
impl Verifier {
    /// An empty verifier that trusts nothing yet.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Verifier {
        Verifier::default()
    }

    /// Trust a root authority's certificate (PEM or DER), saying where the trust comes from
    /// (`"given"` when omitted, `"bundled"`, `"added_on_device"`, `"test"`). Adding a root
    /// already trusted changes nothing (it keeps its list and first origin). Returns its key
    /// identifier (hex).
    #[wasm_bindgen(js_name = addRoot)]
    pub fn add_root(
        &mut self,
        certificate: &[u8],
        origin: Option<String>,
    ) -> Result<String, JsValue> {
        let origin = match origin.as_deref() {
            None => TrustOrigin::Given,
            Some(code) => TrustOrigin::from_code(code).ok_or_else(|| {
                js_error(&format!("not a trust origin: {code:?}"), Some("bad_origin"))
            })?,
        };
        self.trust
            .add_root_with(certificate, origin)
            .map(|kid| kid.to_string())
            .map_err(trust_error)
    }

    /// The highest trust-list sequence seen per root, as JSON text to keep across visits.
    #[wasm_bindgen(js_name = trustState)]
    pub fn trust_state(&self) -> String {
        self.trust.trust_state().to_json()
    }

    /// Remember a kept trust state (from `trustState`): an older list is then refused as stale.
    pub fn remember(&mut self, state: &str) -> Result<(), JsValue> {
        let state = TrustState::from_json(state).map_err(|e| trust_error(e.into()))?;
        self.trust.remember(&state);
        Ok(())
    }

    /// Load a root's signed trust list (COSE_Sign1 bytes) at `now_unix_seconds`.
    #[wasm_bindgen(js_name = loadTrustList)]
    pub fn load_trust_list(&mut self, signed: &[u8], now_unix_seconds: f64) -> Result<(), JsValue> {
        let now = instant(now_unix_seconds)?;
        self.trust
            .load_trust_list(signed, now)
            .map(drop)
            .map_err(trust_error)
    }

    /// Load a department's signed status list (COSE_Sign1 bytes) at `now_unix_seconds`.
    #[wasm_bindgen(js_name = loadStatusList)]
    pub fn load_status_list(
        &mut self,
        signed: &[u8],
        now_unix_seconds: f64,
    ) -> Result<(), JsValue> {
        let now = instant(now_unix_seconds)?;
        self.trust
            .load_status_list(signed, now)
            .map(drop)
            .map_err(trust_error)
    }

    /// Verify a license text (`EL1...` or a URL carrying one) at `now_unix_seconds`. Returns the
    /// verdict as a plain object (the core's `VerdictView`); an invalid license is a verdict,
    /// not an exception.
    /// With `require_status` true, a stale or unknown revocation state makes it invalid.
    #[wasm_bindgen(unchecked_return_type = "VerdictView")]
    pub fn verify(
        &self,
        text: &str,
        now_unix_seconds: f64,
        require_status: Option<bool>,
    ) -> Result<JsValue, JsValue> {
        self.verdict(Input::Text(text), now_unix_seconds, require_status)
    }

    /// Verify a license file's contents (COSE_Sign1 bytes, or a text file holding `EL1...`).
    #[wasm_bindgen(js_name = verifyBytes, unchecked_return_type = "VerdictView")]
    pub fn verify_bytes(
        &self,
        bytes: &[u8],
        now_unix_seconds: f64,
        require_status: Option<bool>,
    ) -> Result<JsValue, JsValue> {
        self.verdict(Input::sniff(bytes), now_unix_seconds, require_status)
    }

    /// Check a file (its digest) against an attestation: the detached file's bytes or a stamp's
    /// text as UTF-8.
    #[wasm_bindgen(js_name = verifyAttachment, unchecked_return_type = "AttachmentVerdictView")]
    pub fn verify_attachment(
        &self,
        file: &FileDigest,
        attestation: &[u8],
        now_unix_seconds: f64,
    ) -> Result<JsValue, JsValue> {
        let now = instant(now_unix_seconds)?;
        let verdict = verify_attachment(&file.inner, Input::sniff(attestation), &self.trust, now);
        to_js(&AttachmentVerdictView::new(&verdict, &file.inner))
    }

    /// Check a file (its digest) against the attachments a license lists (the license as text
    /// or COSE bytes). With `require_status` true, a license whose revocation state is stale or
    /// unknown counts as invalid, as in [`Verifier::verify`].
    #[wasm_bindgen(js_name = checkLicenseFile, unchecked_return_type = "LicenseFileView")]
    pub fn check_license_file(
        &self,
        license: &[u8],
        file: &FileDigest,
        now_unix_seconds: f64,
        require_status: Option<bool>,
    ) -> Result<JsValue, JsValue> {
        let now = instant(now_unix_seconds)?;
        let mut verdict = elicense::verify(Input::sniff(license), &self.trust, now);
        if require_status == Some(true) {
            verdict = verdict.require_status();
        }
        to_js(&LicenseFileView::new(&verdict, &file.inner))
    }

    /// Verify a license (text or COSE bytes) and check a proof of its logging (the bytes of a
    /// `c2sp.org/tlog-proof@v1` file) for it, offline, under the policy of the trust list that
    /// vouches for its signer. With `require_status` true, a license whose revocation state is
    /// stale or unknown counts as invalid, as in [`Verifier::verify`].
    #[wasm_bindgen(js_name = checkLogProof, unchecked_return_type = "LoggedVerdictView")]
    pub fn check_log_proof(
        &self,
        license: &[u8],
        proof: &[u8],
        now_unix_seconds: f64,
        require_status: Option<bool>,
    ) -> Result<JsValue, JsValue> {
        let now = instant(now_unix_seconds)?;
        let input = Input::sniff(license);
        let mut verdict = elicense::verify(input, &self.trust, now);
        if require_status == Some(true) {
            verdict = verdict.require_status();
        }
        let result = check_verified_log_proof(&verdict, input, proof, &self.trust);
        to_js(&LoggedVerdictView::new(&verdict, result.as_ref()))
    }
}

impl Verifier {
    /// The verdict on `input` at `now_unix_seconds`, as a plain `VerdictView` object.
    fn verdict(
        &self,
        input: Input<'_>,
        now_unix_seconds: f64,
        require_status: Option<bool>,
    ) -> Result<JsValue, JsValue> {
        let now = instant(now_unix_seconds)?;
        let mut verdict = elicense::verify(input, &self.trust, now);
        if require_status == Some(true) {
            verdict = verdict.require_status();
        }
        to_js(&VerdictView::new(&verdict))
    }
}
