//! Presentation-ready views of licenses and verdicts, with labels in Chinese and English, for
//! every user interface (the CLI's `--json` and human output, the web verifier). They serialise
//! with serde; the library's types stay the single source of truth.

use serde::Serialize;

use crate::documents::cert::Certificate;
use crate::documents::trust_list::TrustList;
use crate::encoding::cose::Kid;
use crate::model::digest::FileDigest;
use crate::model::license::{AttachmentRef, FieldValue, HolderId, License};
use crate::model::license_v2::{disclosure_units, LicenseV2, Wire, WireForm};
use crate::model::template::{HolderKind, LicenseTemplate, HOLDER_ID_ITEM, HOLDER_NAME_ITEM};
use crate::model::time::cst;
use crate::verify::envelope::Input;
use crate::verify::files::{find_attachment, AttachmentVerdict};
use crate::verify::license::{Revocation, RevocationState, Verdict, Verified};
use crate::verify::log::{LogProofError, Logged};
use crate::verify::reason::ListKind;
use crate::verify::reason::Reason;
use crate::verify::trust::ListDates;

/// A display language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Lang {
    /// 中文.
    #[default]
    Zh,
    /// English.
    En,
}

/// One labelled value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldView {
    /// Field key (`holder_name`, `issued_on`, … or a license-type field key).
    pub key: String,
    /// Chinese label (the key itself when no template names it).
    pub label_zh: String,
    /// English label.
    pub label_en: String,
    /// `text`, `date`, `integer` or `bytes`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The value as text (dates `YYYY-MM-DD`, bytes in hex); empty when not shown.
    pub value: String,
    /// The holder chose not to show this item (a version-2 presentation): display "未出示 /
    /// not shown"; the verdict is unaffected.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub not_shown: bool,
    /// For a resident identity number: the value masked for the screen (`3501**********1234`),
    /// to show by default and reveal only on request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub masked: Option<String>,
}

/// A resident identity number masked for the screen: the first 4 and last 4 characters kept,
/// the 10 between as `*`.
pub fn mask_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let n = chars.len();
    chars[..4]
        .iter()
        .chain(std::iter::repeat_n(&'*', n - 8))
        .chain(&chars[n - 4..])
        .collect()
}

/// A license as labelled rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LicenseView {
    /// License identifier.
    pub id: String,
    /// License type code.
    pub type_code: String,
    /// Type name (Chinese, as signed).
    pub type_name: String,
    /// Type name in English, when a template knows it.
    pub type_name_en: Option<String>,
    /// Where the type name comes from: `template` when a built-in template has the type code
    /// (verification refuses a license whose name differs, `type_mismatch`), `issuer` when no
    /// built-in template has it (show the name as stated by the issuer, 发证机关自述, with the
    /// code; `docs/FORMAT.md` §3.3).
    pub type_name_source: &'static str,
    /// Issuing department.
    pub issuer_name: String,
    /// Issuing department's organisation code.
    pub issuer_code: String,
    /// The standard rows (holder, dates) then the type's fields, in display order.
    pub fields: Vec<FieldView>,
    /// Attached files: name, media type, size and SHA-256 (hex).
    pub attachments: Vec<AttachmentView>,
    /// Status index, if any.
    pub status_index: Option<u64>,
    /// Whether this is a presentation that hides some items (rows marked `not_shown`).
    pub partial: bool,
}

/// An attachment reference for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttachmentView {
    /// File name.
    pub file_name: String,
    /// Media type.
    pub media_type: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 in hex.
    pub sha256: String,
}

impl From<&AttachmentRef> for AttachmentView {
    fn from(a: &AttachmentRef) -> Self {
        AttachmentView {
            file_name: a.file_name.clone(),
            media_type: a.media_type.clone(),
            size: a.size,
            sha256: hex(&a.sha256),
        }
    }
}

fn row(key: &str, zh: &str, en: &str, kind: &'static str, value: String) -> FieldView {
    FieldView {
        key: key.into(),
        label_zh: zh.into(),
        label_en: en.into(),
        kind,
        value,
        not_shown: false,
        masked: None,
    }
}

/// The labels of the holder's identifier of a kind (`None`: another kind of document).
fn holder_id_labels(kind: Option<HolderKind>) -> (&'static str, &'static str) {
    match kind {
        Some(HolderKind::Organisation) => ("统一社会信用代码", "Unified social credit code"),
        Some(HolderKind::Person) => ("公民身份号码", "Resident identity number"),
        _ => ("证件号码", "Identity document number"),
    }
}

fn not_shown(mut row: FieldView) -> FieldView {
    row.value = String::new();
    row.not_shown = true;
    row
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl LicenseView {
    /// A view of `license`, labelled by `template` or else by the built-in template of its type.
    pub fn new(license: &License, template: Option<&LicenseTemplate>) -> Self {
        let builtin;
        let template = match template {
            Some(t) => Some(t),
            None => {
                builtin = LicenseTemplate::builtin_for(license.type_code().as_str());
                builtin.as_ref()
            }
        };
        let holder_kind = holder_id_labels(match &license.holder.id {
            HolderId::Organisation(_) => Some(HolderKind::Organisation),
            HolderId::Person(_) => Some(HolderKind::Person),
            // A presentation that hides the code: the kind the type's template names.
            HolderId::NotShown => template.map(|t| t.holder_kind),
            _ => None,
        });
        let mut holder_id = row(
            "holder_id",
            holder_kind.0,
            holder_kind.1,
            "text",
            license.holder.id.as_str().into(),
        );
        match &license.holder.id {
            HolderId::Person(id) => holder_id.masked = Some(mask_id(id.as_str())),
            HolderId::NotShown => holder_id = not_shown(holder_id),
            _ => {}
        }
        let v = license.validity;
        let mut fields = vec![
            row(
                "holder_name",
                "持证主体",
                "Holder",
                "text",
                license.holder.name.clone(),
            ),
            holder_id,
            row(
                "issued_on",
                "发证日期",
                "Date of issue",
                "date",
                license.issued_on.to_string(),
            ),
            row(
                "valid_from",
                "有效期自",
                "Valid from",
                "date",
                v.from().to_string(),
            ),
            row(
                "valid_until",
                "有效期至",
                "Valid until",
                "date",
                v.last_day().map_or("长期".to_owned(), |d| d.to_string()),
            ),
        ];
        for f in &license.fields {
            let spec = template.and_then(|t| t.field(&f.key));
            let kind = match f.value {
                FieldValue::Text(_) => "text",
                FieldValue::Date(_) => "date",
                FieldValue::Integer(_) => "integer",
                FieldValue::Bytes(_) => "bytes",
            };
            fields.push(row(
                &f.key,
                spec.map_or(&f.key, |s| &s.label_zh),
                spec.map_or(&f.key, |s| &s.label_en),
                kind,
                f.value.to_string(),
            ));
        }
        // Items a presentation hid, in the template's order among the fields.
        if let Some(t) = template {
            for spec in t
                .fields
                .iter()
                .filter(|s| license.not_shown.contains(&s.key))
            {
                let kind = match spec.kind {
                    crate::model::template::FieldKind::Date => "date",
                    crate::model::template::FieldKind::Integer => "integer",
                    crate::model::template::FieldKind::Bytes => "bytes",
                    _ => "text",
                };
                let hidden = not_shown(row(
                    &spec.key,
                    &spec.label_zh,
                    &spec.label_en,
                    kind,
                    String::new(),
                ));
                let at = fields
                    .iter()
                    .position(|r| {
                        t.position(&r.key)
                            .is_some_and(|p| Some(p) > t.position(&spec.key))
                    })
                    .unwrap_or(fields.len());
                fields.insert(at, hidden);
            }
        }
        LicenseView {
            id: license.id.to_string(),
            type_code: license.type_code().to_string(),
            type_name: license.type_name.clone(),
            type_name_en: template.map(|t| t.type_name_en.clone()),
            type_name_source: match LicenseTemplate::builtin_ref(license.type_code().as_str()) {
                Some(_) => "template",
                None => "issuer",
            },
            issuer_name: license.issuer_name.clone(),
            issuer_code: license.issuer_code().to_string(),
            fields,
            attachments: license
                .attachments
                .iter()
                .map(AttachmentView::from)
                .collect(),
            status_index: license.status_index,
            partial: license.holder.id == HolderId::NotShown || !license.not_shown.is_empty(),
        }
    }
}

/// A labelled item of a disclosure unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DisclosureItemView {
    /// The item: `holder_name`, `holder_id` or a field key of the template (what
    /// [`crate::present`] takes).
    pub key: String,
    /// Chinese label (as in [`LicenseView`]'s rows).
    pub label_zh: String,
    /// English label.
    pub label_en: String,
}

/// One disclosure unit: items a presentation shows or hides together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DisclosureUnitView {
    /// The unit's items, in the template's order.
    pub items: Vec<DisclosureItemView>,
    /// Whether every presentation must show it (it holds an item of the type's minimum).
    pub required: bool,
}

/// What the holder of a version-2 license can choose to show (`docs/FORMAT.md` §11), for a
/// holder's interface: the license type and its disclosure units, labelled. Read from the
/// input without verifying it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DisclosureView {
    /// License type code.
    pub type_code: String,
    /// Type name (Chinese), from the built-in template.
    pub type_name: String,
    /// Type name in English.
    pub type_name_en: String,
    /// `plain` (a license without personal items), `holders_copy` (the only form a
    /// presentation can be made from) or `presentation`.
    pub form: &'static str,
    /// The type's disclosure units (empty for a type without personal items).
    pub units: Vec<DisclosureUnitView>,
}

impl DisclosureView {
    /// The choice a version-2 license text, URL or wire bytes offers; an error when it is not
    /// a readable version-2 license (a version-1 license has no disclosure units).
    pub fn new(input: Input<'_>) -> Result<Self, Reason> {
        let (bytes, _) = input.signed_bytes()?;
        let wire = Wire::parse(&bytes)?;
        let template = LicenseV2::from_cbor(wire.cose.payload())?.template();
        let label = |key: &str| match key {
            HOLDER_NAME_ITEM => ("持证主体".to_owned(), "Holder".to_owned()),
            HOLDER_ID_ITEM => {
                let (zh, en) = holder_id_labels(Some(template.holder_kind));
                (zh.to_owned(), en.to_owned())
            }
            _ => template.field(key).map_or_else(
                || (key.to_owned(), key.to_owned()),
                |f| (f.label_zh.clone(), f.label_en.clone()),
            ),
        };
        let units = disclosure_units(&template.type_code)
            .into_iter()
            .map(|(items, required)| DisclosureUnitView {
                items: items
                    .into_iter()
                    .map(|key| {
                        let (label_zh, label_en) = label(&key);
                        DisclosureItemView {
                            key,
                            label_zh,
                            label_en,
                        }
                    })
                    .collect(),
                required,
            })
            .collect();
        Ok(DisclosureView {
            type_code: template.type_code.clone(),
            type_name: template.type_name.clone(),
            type_name_en: template.type_name_en.clone(),
            form: match wire.form {
                WireForm::Plain => "plain",
                WireForm::HoldersCopy => "holders_copy",
                WireForm::Presentation => "presentation",
            },
            units,
        })
    }
}

/// A department certificate listed in a trust list, for display and JSON (`elicense trust
/// show`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertificateView {
    /// Department name.
    pub name: String,
    /// Organisation code.
    pub org_code: Option<String>,
    /// License types it may sign.
    pub license_types: Vec<String>,
    /// Start of validity.
    pub not_before: String,
    /// End of validity.
    pub not_after: String,
    /// Serial number (hex).
    pub serial: String,
    /// Key identifier of its key.
    pub kid: String,
    /// Whether the list revokes it.
    pub revoked: bool,
}

impl CertificateView {
    /// A view of `cert`, listed in `list`.
    pub fn new(cert: &Certificate, list: &TrustList) -> Self {
        CertificateView {
            name: cert.name().to_owned(),
            org_code: cert.org_code().map(|o| o.to_string()),
            license_types: cert.license_types().iter().map(|t| t.to_string()).collect(),
            not_before: cert.not_before().to_string(),
            not_after: cert.not_after().to_string(),
            serial: cert.serial().to_owned(),
            kid: Kid::of(cert.key()).to_string(),
            revoked: list.revokes(cert),
        }
    }
}

/// A verdict for display and JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerdictView {
    /// Whether the license is valid.
    pub valid: bool,
    /// The reason code when invalid (see `docs/FORMAT.md` §7).
    pub code: Option<&'static str>,
    /// The reason in Chinese, in plain words.
    pub reason_zh: Option<String>,
    /// The reason in English, with details.
    pub reason_en: Option<String>,
    /// The signer's key identifier, when known.
    pub kid: Option<String>,
    /// The signing department, when valid.
    pub signer: Option<String>,
    /// The root authority vouching for the signer, when it came from a trust list (its name,
    /// for display: names are not identities).
    pub root: Option<String>,
    /// SHA-256 (hex) of that root's certificate: the root's identity.
    pub root_fingerprint: Option<String>,
    /// Where the trust in the signer comes from, when valid: `given`, `bundled`,
    /// `added_on_device` or `test` ([`crate::TrustOrigin`]). A `test` verdict comes from a
    /// TEST-ONLY root and must never be shown as plainly valid.
    pub trust_origin: Option<&'static str>,
    /// Revocation, when valid (`docs/TRUST.md` §4, "Freshness"): `checked` (current lists),
    /// `stale` (a list past its next update, within the grace period: show amber, with the
    /// age), `unknown` (no list covers it, or the only one expired: amber) or `not_applicable`
    /// (no status index and no trust list). The worse of the license's status list and its
    /// signer's trust list.
    pub revocation: Option<&'static str>,
    /// The revocation state in plain Chinese, with the list's date and age.
    pub revocation_zh: Option<String>,
    /// The revocation state in English, with the list's date and age.
    pub revocation_en: Option<String>,
    /// The status list consulted for the license, when one applies.
    pub status_list: Option<ListView>,
    /// The trust list the signer's certificate came from, when it came from one.
    pub trust_list: Option<ListView>,
    /// The license; when invalid this is unverified content, if it could be decoded.
    pub license: Option<LicenseView>,
}

impl VerdictView {
    /// A view of `verdict`.
    pub fn new(verdict: &Verdict) -> Self {
        match verdict {
            Verdict::Valid(ok) => VerdictView {
                valid: true,
                code: None,
                reason_zh: None,
                reason_en: None,
                kid: Some(ok.signer.kid().to_string()),
                signer: Some(ok.signer.name.clone()),
                root: ok.signer.certificate.as_ref().map(|(_, r)| r.name.clone()),
                root_fingerprint: ok
                    .signer
                    .certificate
                    .as_ref()
                    .map(|(_, r)| hex(&r.fingerprint)),
                trust_origin: Some(ok.trust.code()),
                revocation: Some(ok.revocation_state().code()),
                revocation_zh: Some(revocation_text(ok, Lang::Zh)),
                revocation_en: Some(revocation_text(ok, Lang::En)),
                status_list: ListView::of(&ok.revocation, ok),
                trust_list: ListView::of(&ok.certificate_status, ok),
                license: Some(LicenseView::new(&ok.license, None)),
            },
            Verdict::Invalid(bad) => VerdictView {
                valid: false,
                code: Some(bad.reason.code()),
                reason_zh: Some(bad.reason.message(Lang::Zh)),
                reason_en: Some(bad.reason.message(Lang::En)),
                kid: bad.kid.map(|k| k.to_string()),
                signer: None,
                root: None,
                root_fingerprint: None,
                trust_origin: None,
                revocation: None,
                revocation_zh: None,
                revocation_en: None,
                status_list: None,
                trust_list: None,
                license: bad.unverified.as_ref().map(|l| LicenseView::new(l, None)),
            },
        }
    }
}

/// A trust or status list a verdict was judged by, for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListView {
    /// `checked` (current), `stale` or `unknown` (expired) for this list alone.
    pub state: &'static str,
    /// Sequence number.
    pub sequence: u64,
    /// Issue time (RFC 3339, UTC+8).
    pub issued_at: String,
    /// Next update (RFC 3339, UTC+8).
    pub next_update: String,
    /// Age at the verdict's time, in whole seconds (0 for a list issued within the clock skew
    /// in the future).
    pub age_seconds: i64,
}

impl ListView {
    fn of(part: &Revocation, ok: &Verified) -> Option<Self> {
        let list = part.list()?;
        Some(ListView {
            state: part.state().code(),
            sequence: list.sequence,
            issued_at: rfc3339_cst(list.issued_at),
            next_update: rfc3339_cst(list.next_update),
            age_seconds: age_seconds(&list, ok),
        })
    }
}

fn rfc3339_cst(t: time::OffsetDateTime) -> String {
    t.checked_to_offset(cst())
        .unwrap_or(t)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn day_cst(t: time::OffsetDateTime) -> String {
    t.checked_to_offset(cst()).unwrap_or(t).date().to_string()
}

fn age_seconds(list: &ListDates, ok: &Verified) -> i64 {
    (ok.checked_at - list.issued_at).whole_seconds().max(0)
}

/// An age in words: hours below two days, days above.
fn age_text(seconds: i64, lang: Lang) -> String {
    let hours = seconds / 3600;
    match (hours < 48, lang) {
        (true, Lang::Zh) => format!("{hours} 小时"),
        (true, Lang::En) => format!("{hours} hours"),
        (false, Lang::Zh) => format!("{} 天", hours / 24),
        (false, Lang::En) => format!("{} days", hours / 24),
    }
}

/// The sentence describing a valid verdict's revocation state: the part that decides it (the
/// license's status list, or else the signer's trust list), with the list's date and age.
fn revocation_text(ok: &Verified, lang: Lang) -> String {
    let state = ok.revocation_state();
    let (part, kind) = if ok.revocation.state() == state {
        (&ok.revocation, ListKind::Status)
    } else {
        (&ok.certificate_status, ListKind::Trust)
    };
    let (zh_list, en_list) = match kind {
        ListKind::Status => ("注销列表", "status list"),
        _ => ("信任列表", "trust list (certificate revocation)"),
    };
    let dated = |list: &ListDates| {
        let age = age_text(age_seconds(list, ok), lang);
        match lang {
            Lang::Zh => format!(
                "{zh_list}第 {} 版，{} 发布（{age}前），应于 {} 更新",
                list.sequence,
                day_cst(list.issued_at),
                day_cst(list.next_update)
            ),
            Lang::En => format!(
                "the {en_list} no. {} of {} ({age} old), next update due {}",
                list.sequence,
                day_cst(list.issued_at),
                day_cst(list.next_update)
            ),
        }
    };
    match (state, part.list(), lang) {
        (RevocationState::NotApplicable, _, Lang::Zh) => "此证照不设单独注销状态".into(),
        (RevocationState::NotApplicable, _, Lang::En) => {
            "not applicable: the license has no status index".into()
        }
        (RevocationState::Checked, Some(l), Lang::Zh) => format!("注销状态已核对：{}", dated(&l)),
        (RevocationState::Checked, Some(l), Lang::En) => {
            format!("revocation checked against {}", dated(&l))
        }
        (RevocationState::Stale, Some(l), Lang::Zh) => {
            format!("注销状态可能已过时：{}，已过更新时间", dated(&l))
        }
        (RevocationState::Stale, Some(l), Lang::En) => format!(
            "revocation status may be out of date: {}, is past its next update",
            dated(&l)
        ),
        (_, Some(l), Lang::Zh) => format!("未能核对注销状态：{}，已过期", dated(&l)),
        (_, Some(l), Lang::En) => format!(
            "revocation unknown: {}, expired more than the grace period ago",
            dated(&l)
        ),
        (_, None, Lang::Zh) => format!("未能核对注销状态：没有覆盖此证照的{zh_list}"),
        (_, None, Lang::En) => format!("revocation unknown: no {en_list} covers this license"),
    }
}

impl Reason {
    /// The reason in plain words: Chinese for the public (from [`crate::REASON_CODES`]), or the
    /// detailed English message.
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Zh => self.info().zh.to_owned(),
        }
    }
}

/// An attachment verdict for display and JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttachmentVerdictView {
    /// `match`, `mismatch` or `invalid`.
    pub outcome: &'static str,
    /// The reason code when invalid.
    pub code: Option<&'static str>,
    /// The reason in Chinese, in plain words.
    pub reason_zh: Option<String>,
    /// The reason in English, with details.
    pub reason_en: Option<String>,
    /// SHA-256 (hex) and size the attestation names.
    pub attested_sha256: Option<String>,
    /// Size the attestation names.
    pub attested_size: Option<u64>,
    /// SHA-256 (hex) of the file at hand.
    pub actual_sha256: String,
    /// Size of the file at hand.
    pub actual_size: u64,
    /// The attesting department.
    pub signer: Option<String>,
    /// Where the trust in the attesting department comes from, when its signature verified:
    /// `given`, `bundled`, `added_on_device` or `test` (as in [`VerdictView`]).
    pub trust_origin: Option<&'static str>,
    /// The statement, in Chinese.
    pub statement: Option<&'static str>,
    /// Officer identifier.
    pub officer_id: Option<String>,
    /// Officer name (absent in stamps).
    pub officer_name: Option<String>,
    /// The attested file's name (absent in stamps).
    pub file_name: Option<String>,
    /// The attested file's media type (absent in stamps).
    pub media_type: Option<String>,
    /// When it was attested (RFC 3339, in UTC+8).
    pub attested_at: Option<String>,
    /// The license the file belongs to, if named.
    pub license: Option<String>,
}

impl AttachmentVerdictView {
    /// A view of `verdict` for the file `actual`.
    pub fn new(verdict: &AttachmentVerdict, actual: &FileDigest) -> Self {
        use AttachmentVerdict as V;
        let mut view = AttachmentVerdictView {
            outcome: "invalid",
            code: None,
            reason_zh: None,
            reason_en: None,
            attested_sha256: None,
            attested_size: None,
            actual_sha256: hex(&actual.sha256),
            actual_size: actual.size,
            signer: None,
            trust_origin: None,
            statement: None,
            officer_id: None,
            officer_name: None,
            file_name: None,
            media_type: None,
            attested_at: None,
            license: None,
        };
        let (att, signer) = match verdict {
            V::Invalid(reason) => {
                view.code = Some(reason.code());
                view.reason_zh = Some(reason.message(Lang::Zh));
                view.reason_en = Some(reason.message(Lang::En));
                return view;
            }
            V::Matches {
                attestation,
                signer,
            } => {
                view.outcome = "match";
                (attestation, signer)
            }
            V::Mismatch {
                attestation,
                signer,
                ..
            } => {
                view.outcome = "mismatch";
                view.reason_zh =
                    Some("文件与核验记录不一致：文件已被修改或不是被核对的那一份".into());
                view.reason_en = Some("the file differs from the attested file".into());
                (attestation, signer)
            }
        };
        view.attested_sha256 = Some(hex(&att.file.sha256));
        view.attested_size = Some(att.file.size);
        view.signer = Some(signer.name.clone());
        view.trust_origin = Some(signer.origin.code());
        view.statement = Some(att.statement.zh());
        view.officer_id = Some(att.officer_id.clone());
        view.officer_name = att.officer_name.clone();
        view.file_name = att.file_name.clone();
        view.media_type = att.media_type.clone();
        // In China Standard Time, like license dates, so it reads as the local time of the desk.
        view.attested_at = att
            .attested_at
            .checked_to_offset(cst())
            .unwrap_or(att.attested_at)
            .format(&time::format_description::well_known::Rfc3339)
            .ok();
        view.license = att.license.as_ref().map(|l| l.to_string());
        view
    }
}

/// A file checked against the attachments a license lists (by content, not by name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LicenseFileView {
    /// `match` (the file is one of the license's attachments), `not_listed` (the license is
    /// valid but lists no file with these bytes) or `license_invalid`.
    pub outcome: &'static str,
    /// The license's reason code when it is invalid.
    pub code: Option<&'static str>,
    /// Plain-language Chinese.
    pub reason_zh: String,
    /// English.
    pub reason_en: String,
    /// The matching attachment, when it matches.
    pub attachment: Option<AttachmentView>,
    /// The license's identifier, when it could be read.
    pub license: Option<String>,
    /// Where the trust in the license's signer comes from, when it is valid (as in
    /// [`VerdictView`]).
    pub trust_origin: Option<&'static str>,
    /// SHA-256 (hex) of the file at hand.
    pub actual_sha256: String,
    /// Size of the file at hand.
    pub actual_size: u64,
}

impl LicenseFileView {
    /// Check `file` against the attachments of the license `verdict` is about. Only a valid
    /// license's attachment list counts.
    pub fn new(verdict: &Verdict, file: &FileDigest) -> Self {
        let mut view = LicenseFileView {
            outcome: "license_invalid",
            code: None,
            reason_zh: String::new(),
            reason_en: String::new(),
            attachment: None,
            license: None,
            trust_origin: None,
            actual_sha256: file.sha256_hex(),
            actual_size: file.size,
        };
        let license = match verdict {
            Verdict::Invalid(bad) => {
                view.code = Some(bad.reason.code());
                view.reason_zh =
                    format!("证照无效，无法核对其附件：{}", bad.reason.message(Lang::Zh));
                view.reason_en = format!(
                    "the license is not valid, so its attachments cannot be checked: {}",
                    bad.reason.message(Lang::En)
                );
                view.license = bad.unverified.as_ref().map(|l| l.id.to_string());
                return view;
            }
            Verdict::Valid(ok) => {
                view.trust_origin = Some(ok.trust.code());
                &ok.license
            }
        };
        view.license = Some(license.id.to_string());
        match find_attachment(&license.attachments, file) {
            Some(a) => {
                view.outcome = "match";
                view.reason_zh = format!("文件与证照所附“{}”完全一致", a.file_name);
                view.reason_en = format!(
                    "the file is exactly the license's attachment \"{}\"",
                    a.file_name
                );
                view.attachment = Some(AttachmentView::from(a));
            }
            None => {
                view.outcome = "not_listed";
                view.reason_zh =
                    "证照所附文件中没有这一份：文件已被修改，或不是该证照的附件".into();
                view.reason_en = format!(
                    "none of the license's {} attachment(s) has these bytes",
                    license.attachments.len()
                );
            }
        }
        view
    }
}

/// A proof of logging (`c2sp.org/tlog-proof@v1`, `docs/LOG.md` §6) checked for a license.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogProofView {
    /// `logged` (the license is in its department's log, under the trust list's policy),
    /// `not_logged` (the proof does not show it) or `license_invalid` (the license itself is
    /// not valid, so nothing is shown logged).
    pub outcome: &'static str,
    /// Why not: a code of [`crate::LOG_PROOF_CODES`] (`not_logged`) or the license's reason
    /// code (`license_invalid`).
    pub code: Option<&'static str>,
    /// Plain-language Chinese: `已登记在监察日志（日志 …，第 i 条，共 N 条，见证：…）`, or why not.
    pub reason_zh: String,
    /// English.
    pub reason_en: String,
    /// The log's origin, when logged.
    pub origin: Option<String>,
    /// The entry's index in the log (from 0, as in the proof file), when logged.
    pub index: Option<u64>,
    /// The size of the checkpoint the entry is proven in, when logged.
    pub size: Option<u64>,
    /// The witnesses (note key names) whose cosignature verified; empty when none did.
    pub witnessed_by: Vec<String>,
}

impl LogProofView {
    /// The view of `result` ([`crate::check_verified_log_proof`]) for the license `verdict` is
    /// about: `None` when the license is not valid.
    pub fn new(verdict: &Verdict, result: Option<&Result<Logged, LogProofError>>) -> Self {
        let mut view = LogProofView {
            outcome: "not_logged",
            code: None,
            reason_zh: String::new(),
            reason_en: String::new(),
            origin: None,
            index: None,
            size: None,
            witnessed_by: vec![],
        };
        match (verdict, result) {
            (Verdict::Invalid(bad), _) => {
                view.outcome = "license_invalid";
                view.code = Some(bad.reason.code());
                view.reason_zh = format!(
                    "证照无效，不核对其登记证明：{}",
                    bad.reason.message(Lang::Zh)
                );
                view.reason_en = format!(
                    "the license is not valid, so its proof of logging is not checked: {}",
                    bad.reason.message(Lang::En)
                );
            }
            (Verdict::Valid(_), None) => {
                view.reason_zh = "未核对登记证明".into();
                view.reason_en = "the proof of logging was not checked".into();
            }
            (Verdict::Valid(_), Some(Ok(logged))) => {
                view.outcome = "logged";
                let (zh_w, en_w) = if logged.witnessed_by.is_empty() {
                    ("无".to_owned(), "no witness".to_owned())
                } else {
                    (
                        logged.witnessed_by.join("、"),
                        logged.witnessed_by.join(", "),
                    )
                };
                view.reason_zh = format!(
                    "已登记在监察日志（日志 {}，第 {} 条，共 {} 条，见证：{zh_w}）",
                    logged.origin, logged.index, logged.checkpoint.size
                );
                view.reason_en = format!(
                    "Logged in the supervision log (log {}, entry {} of {}, witnessed by {en_w})",
                    logged.origin, logged.index, logged.checkpoint.size
                );
                view.origin = Some(logged.origin.clone());
                view.index = Some(logged.index);
                view.size = Some(logged.checkpoint.size);
                view.witnessed_by = logged.witnessed_by.clone();
            }
            (Verdict::Valid(_), Some(Err(e))) => {
                view.code = Some(e.code());
                view.reason_zh = match e {
                    LogProofError::Quorum {
                        needed,
                        witnessed_by,
                    } => format!(
                        "{}（需要 {needed} 个，有效的 {} 个）",
                        e.message_zh(),
                        witnessed_by.len()
                    ),
                    LogProofError::NotNamed(origin) => {
                        format!("{}（{origin}）", e.message_zh())
                    }
                    _ => e.message_zh().to_owned(),
                };
                view.reason_en = format!("not shown logged: {e}");
            }
        }
        view
    }
}

/// A license's verdict and the check of a proof of its logging, for the web page's one call
/// (`Verifier.checkLogProof`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoggedVerdictView {
    /// The license's verdict, as [`VerdictView`].
    pub verdict: VerdictView,
    /// The proof's result.
    pub log: LogProofView,
}

impl LoggedVerdictView {
    /// The views of `verdict` and of `result` ([`crate::check_verified_log_proof`]).
    pub fn new(verdict: &Verdict, result: Option<&Result<Logged, LogProofError>>) -> Self {
        LoggedVerdictView {
            verdict: VerdictView::new(verdict),
            log: LogProofView::new(verdict, result),
        }
    }
}
