//! License-type templates: which fields a license type has, their labels in Chinese and English,
//! which are required, and how a flat record (a CSV row or JSON object of strings) becomes a
//! [`License`]. Templates are JSON (`core/templates/*.json` are built in).
//!
//! A record has these columns besides the template's field keys:
//!
//! | column | required | meaning |
//! |---|---|---|
//! | `holder_name` | yes | holder's name |
//! | `holder_id` | yes | holder's code (统一社会信用代码, 公民身份号码, or other) |
//! | `holder_kind` | no | `organisation`, `person` or `other` (default: the template's) |
//! | `issued_on` | no | `YYYY-MM-DD`, not after today (default: today) |
//! | `valid_from` | no | `YYYY-MM-DD` (default: the issue date) |
//! | `valid_until` | no | `YYYY-MM-DD`, or `长期` / `perpetual` (default: `validity_years` after the start, else perpetual) |
//!
//! Unknown columns are errors, so a misspelt column never silently drops a field. Empty cells
//! count as absent.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;
use time::Date;

use crate::limits::{MAX_DISCLOSURE_UNITS, MAX_FIELDS};
use crate::model::identifier::{IdentifierError, LicenseId, LicenseTypeCode, OrgCode};
use crate::model::license::{Field, FieldValue, Holder, HolderId, License, LicenseError, Validity};

/// Why a template or a record is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum TemplateError {
    /// The template file itself is invalid.
    #[error("template: {0}")]
    BadTemplate(TemplateProblem),
    /// A column of the record is missing or invalid.
    #[error("column {column}: {problem}")]
    Column {
        /// The column.
        column: String,
        /// What is wrong.
        problem: ColumnProblem,
    },
    /// The record builds a license that breaks the format's rules.
    #[error("{0}")]
    License(Box<LicenseError>),
    /// The license identifier cannot be built (for example a sequence number out of range).
    #[error("license identifier: {0}")]
    Identifier(IdentifierError),
}

/// What is wrong with a template file.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum TemplateProblem {
    /// Not JSON of the template's shape (the JSON parser's message).
    #[error("{0}")]
    Json(String),
    /// The type code is not valid.
    #[error("{0}")]
    TypeCode(IdentifierError),
    /// A field key is repeated or is one of the standard columns.
    #[error("field key {0:?} is repeated or reserved")]
    Key(String),
    /// More fields than [`MAX_FIELDS`] (a version-2 key is the field's position).
    #[error("a template has at most {MAX_FIELDS} fields, not {0}")]
    TooManyFields(usize),
    /// An enumeration on a field that is not text, or with a repeated or empty value.
    #[error("field {0:?}: values are only for text fields, each once and not empty")]
    Values(String),
    /// The disclosure units are not acceptable.
    #[error("disclosure: {0}")]
    Disclosure(String),
    /// The type code is a built-in type's, but the type name is not that type's: verifiers
    /// would refuse every license of it (`type_mismatch`, `docs/FORMAT.md` §7).
    #[error(
        "license type {type_code} is {expected} (a built-in type); the template names it {found}"
    )]
    TypeName {
        /// The type code.
        type_code: String,
        /// The built-in type's name.
        expected: String,
        /// The name the template gives.
        found: String,
    },
}

/// What is wrong with a column of a record.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ColumnProblem {
    /// Not a column of this license type.
    #[error("unknown column for license type {0}")]
    Unknown(String),
    /// A required column is empty or absent.
    #[error("is required")]
    Required,
    /// A required field of the license type is empty or absent.
    #[error("is required ({0})")]
    RequiredField(String),
    /// Not one of the holder kinds.
    #[error("{0:?} is not organisation, person or other")]
    HolderKind(String),
    /// The holder's code is invalid.
    #[error("{0}")]
    Identifier(IdentifierError),
    /// Not a date.
    #[error("{0}")]
    Date(DateError),
    /// The end date that the template's default validity gives does not exist.
    #[error("the default end date is out of range")]
    DefaultEndOutOfRange,
    /// The validity ends before it starts.
    #[error("validity ends on {until} before it starts on {from}")]
    ValidityReversed {
        /// Start date.
        from: Date,
        /// End date.
        until: Date,
    },
    /// The issue date is after today (verifiers refuse such a license as `issued_in_future`).
    #[error("issued on {issued_on}, after today ({today}); verifiers would refuse it until then")]
    IssuedInFuture {
        /// The issue date.
        issued_on: Date,
        /// Today (UTC+8).
        today: Date,
    },
    /// The validity starts before the issue date (a license is never valid before it is
    /// issued).
    #[error("validity starts on {from}, before the issue date {issued_on}")]
    StartsBeforeIssue {
        /// Start date.
        from: Date,
        /// Issue date.
        issued_on: Date,
    },
    /// Not an integer.
    #[error("{0:?} is not an integer")]
    NotInteger(String),
    /// Not hexadecimal bytes.
    #[error("is not hexadecimal bytes: {0}")]
    NotHex(String),
}

/// Why a text is not a `YYYY-MM-DD` date.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum DateError {
    /// Not three numbers joined by `-`.
    #[error("{0:?} is not a date of the form YYYY-MM-DD")]
    NotYmd(String),
    /// No such month.
    #[error("{text:?}: no month {month}")]
    NoMonth {
        /// The text.
        text: String,
        /// The month number.
        month: u8,
    },
    /// No such day in that month.
    #[error("{0:?} is not a calendar date")]
    NotCalendarDate(String),
}

fn column(column: &str, problem: ColumnProblem) -> TemplateError {
    TemplateError::Column {
        column: column.to_owned(),
        problem,
    }
}

/// The type of a field's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum FieldKind {
    /// Text.
    Text,
    /// `YYYY-MM-DD`.
    Date,
    /// A signed 64-bit integer.
    Integer,
    /// Bytes, written in hexadecimal.
    Bytes,
}

/// One field of a license type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// Field key in the license.
    pub key: String,
    /// Label in Chinese.
    pub label_zh: String,
    /// Label in English.
    pub label_en: String,
    /// Value type.
    #[serde(rename = "type")]
    pub kind: FieldKind,
    /// Whether every license of this type must have it.
    pub required: bool,
    /// For a text field: the values a license of version 2 writes as their index in this list
    /// (`docs/FORMAT.md` §11.1). The list only grows: an index never changes meaning.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

/// The items of a license a holder may leave out of a presentation (version 2, selective
/// disclosure; `docs/FORMAT.md` §12): which items are personal, grouped into units, and which
/// items every presentation must show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisclosureSpec {
    /// The units: each a list of items (`holder_name`, `holder_id` or a field key), shown or
    /// hidden together as one disclosure. Unit *i* has the salt of index *i*.
    pub units: Vec<Vec<String>>,
    /// Items every presentation must show (the units that hold them).
    pub minimum: Vec<String>,
}

/// The item names of the holder's name and code in [`DisclosureSpec`] units.
pub const HOLDER_NAME_ITEM: &str = "holder_name";
/// See [`HOLDER_NAME_ITEM`].
pub const HOLDER_ID_ITEM: &str = "holder_id";

/// The default kind of holder of a license type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum HolderKind {
    /// An organisation (统一社会信用代码).
    Organisation,
    /// A person (公民身份号码).
    Person,
    /// Another identifier.
    Other,
}

/// A license-type template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LicenseTemplate {
    /// License type code.
    pub type_code: String,
    /// Type name in Chinese (this goes into the license).
    pub type_name: String,
    /// Type name in English (for display).
    pub type_name_en: String,
    /// Default holder kind.
    pub holder_kind: HolderKind,
    /// Default validity in years from the start; `null` means perpetual (长期).
    pub validity_years: Option<u16>,
    /// The fields, in display order. A field's position in this list, from 1, is its key in a
    /// version-2 license: fields are only ever appended.
    pub fields: Vec<FieldSpec>,
    /// Which items are personal and how a presentation may hide them (version 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disclosure: Option<DisclosureSpec>,
}

/// What a record does not say: who issues, with which numbers, on which day.
#[derive(Debug, Clone)]
pub struct IssueContext {
    /// Issuing department's organisation code.
    pub issuer: OrgCode,
    /// Issuing department's name.
    pub issuer_name: String,
    /// Sequence number for the license identifier.
    pub sequence: u64,
    /// Status index for revocation, if the department publishes status lists.
    pub status_index: Option<u64>,
    /// Today's date, the default issue date.
    pub today: Date,
}

const BUILTIN: &[&str] = &[
    include_str!("../../templates/YYZZ.json"),
    include_str!("../../templates/JSZ.json"),
    include_str!("../../templates/BDCQZ.json"),
    include_str!("../../templates/SPJY.json"),
    include_str!("../../templates/YSZY.json"),
];

/// The built-in templates, parsed once.
fn builtin_templates() -> &'static [LicenseTemplate] {
    static TEMPLATES: std::sync::OnceLock<Vec<LicenseTemplate>> = std::sync::OnceLock::new();
    TEMPLATES.get_or_init(|| {
        BUILTIN
            .iter()
            .filter_map(|json| LicenseTemplate::parse(json).ok())
            .collect()
    })
}

const STANDARD_COLUMNS: &[&str] = &[
    "holder_name",
    "holder_id",
    "holder_kind",
    "issued_on",
    "valid_from",
    "valid_until",
];

/// Parse `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Result<Date, DateError> {
    let bad = || DateError::NotYmd(text.to_owned());
    let parts: Vec<&str> = text.trim().split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(bad());
    };
    let (y, m, d) = (
        y.parse::<i32>().map_err(|_| bad())?,
        m.parse::<u8>().map_err(|_| bad())?,
        d.parse::<u8>().map_err(|_| bad())?,
    );
    let month = time::Month::try_from(m).map_err(|_| DateError::NoMonth {
        text: text.to_owned(),
        month: m,
    })?;
    Date::from_calendar_date(y, month, d).map_err(|_| DateError::NotCalendarDate(text.to_owned()))
}

impl LicenseTemplate {
    /// Parse and check a template from JSON. A template for a built-in type code must give the
    /// built-in type's name: verifiers refuse a license whose type name is not its type's
    /// (`type_mismatch`).
    pub fn from_json(json: &str) -> Result<Self, TemplateError> {
        let t = Self::parse(json)?;
        if let Some(builtin) = Self::builtin_ref(&t.type_code) {
            if builtin.type_name != t.type_name {
                return Err(TemplateError::BadTemplate(TemplateProblem::TypeName {
                    type_code: t.type_code.clone(),
                    expected: builtin.type_name.clone(),
                    found: t.type_name.clone(),
                }));
            }
        }
        Ok(t)
    }

    /// [`LicenseTemplate::from_json`] without the comparison with the built-in templates (which
    /// are parsed with it).
    fn parse(json: &str) -> Result<Self, TemplateError> {
        let t: LicenseTemplate = serde_json::from_str(json)
            .map_err(|e| TemplateError::BadTemplate(TemplateProblem::Json(e.to_string())))?;
        t.type_code
            .parse::<LicenseTypeCode>()
            .map_err(|e| TemplateError::BadTemplate(TemplateProblem::TypeCode(e)))?;
        if t.fields.len() > MAX_FIELDS {
            return Err(TemplateError::BadTemplate(TemplateProblem::TooManyFields(
                t.fields.len(),
            )));
        }
        let mut seen = std::collections::HashSet::new();
        for f in &t.fields {
            if STANDARD_COLUMNS.contains(&f.key.as_str()) || !seen.insert(f.key.as_str()) {
                return Err(TemplateError::BadTemplate(TemplateProblem::Key(
                    f.key.clone(),
                )));
            }
            let mut values = std::collections::HashSet::new();
            if !f.values.is_empty()
                && (f.kind != FieldKind::Text
                    || f.values.iter().any(|v| v.is_empty() || !values.insert(v)))
            {
                return Err(TemplateError::BadTemplate(TemplateProblem::Values(
                    f.key.clone(),
                )));
            }
        }
        if let Some(d) = &t.disclosure {
            t.check_disclosure(d)
                .map_err(|e| TemplateError::BadTemplate(TemplateProblem::Disclosure(e)))?;
        }
        Ok(t)
    }

    fn check_disclosure(&self, d: &DisclosureSpec) -> Result<(), String> {
        if d.units.is_empty() || d.units.len() > MAX_DISCLOSURE_UNITS {
            return Err(format!(
                "1 to {MAX_DISCLOSURE_UNITS} units, not {}",
                d.units.len()
            ));
        }
        let mut seen = std::collections::HashSet::new();
        for item in d.units.iter().flatten() {
            let known =
                item == HOLDER_NAME_ITEM || item == HOLDER_ID_ITEM || self.field(item).is_some();
            if !known || !seen.insert(item.as_str()) {
                return Err(format!("item {item:?} is unknown or in two units"));
            }
        }
        if let Some(unit) = d.units.iter().find(|u| u.is_empty()) {
            return Err(format!("an empty unit {unit:?}"));
        }
        if let Some(item) = d.minimum.iter().find(|m| !seen.contains(m.as_str())) {
            return Err(format!("minimum item {item:?} is in no unit"));
        }
        Ok(())
    }

    /// The last day of the template's default term for a validity starting on `from` (the same
    /// day `validity_years` later, the month's last day when that day does not exist); `None`
    /// when the template has no default term or the date is out of range.
    pub fn default_end(&self, from: Date) -> Option<Date> {
        let years = self.validity_years?;
        let d = Date::from_calendar_date(from.year() + i32::from(years), from.month(), 1).ok()?;
        d.replace_day(from.day().min(d.month().length(d.year())))
            .ok()
    }

    /// Whether `item` (`holder_name`, `holder_id` or a field key) is personal: in a disclosure
    /// unit, so that a presentation may hide it.
    pub fn is_personal(&self, item: &str) -> bool {
        self.disclosure
            .as_ref()
            .is_some_and(|d| d.units.iter().flatten().any(|i| i == item))
    }

    /// The 1-based position of field `key` (its key in a version-2 license).
    pub fn position(&self, key: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.key == key).map(|i| i + 1)
    }

    /// The built-in templates (营业执照 YYZZ, 机动车驾驶证 JSZ, 不动产权证书 BDCQZ, 食品经营许可证
    /// SPJY, 医师执业证书 YSZY).
    pub fn builtin() -> Vec<LicenseTemplate> {
        builtin_templates().to_vec()
    }

    /// The built-in template for a license type code.
    pub fn builtin_for(type_code: &str) -> Option<LicenseTemplate> {
        Self::builtin_ref(type_code).cloned()
    }

    /// The built-in template for a license type code, without copying it (verification looks
    /// up the type name of every license).
    pub fn builtin_ref(type_code: &str) -> Option<&'static LicenseTemplate> {
        builtin_templates()
            .iter()
            .find(|t| t.type_code == type_code)
    }

    /// The field spec for `key`.
    pub fn field(&self, key: &str) -> Option<&FieldSpec> {
        self.fields.iter().find(|f| f.key == key)
    }

    /// Every column a record may have.
    pub fn columns(&self) -> Vec<&str> {
        STANDARD_COLUMNS
            .iter()
            .copied()
            .chain(self.fields.iter().map(|f| f.key.as_str()))
            .collect()
    }

    /// Build a license from a record of column → text.
    pub fn build(
        &self,
        record: &BTreeMap<String, String>,
        ctx: &IssueContext,
    ) -> Result<License, TemplateError> {
        let get = |c: &str| record.get(c).map(|v| v.trim()).filter(|v| !v.is_empty());
        if let Some(unknown) = record
            .keys()
            .find(|k| !STANDARD_COLUMNS.contains(&k.as_str()) && self.field(k).is_none())
        {
            return Err(column(
                unknown,
                ColumnProblem::Unknown(self.type_code.clone()),
            ));
        }
        let holder_name =
            get("holder_name").ok_or_else(|| column("holder_name", ColumnProblem::Required))?;
        let holder_id =
            get("holder_id").ok_or_else(|| column("holder_id", ColumnProblem::Required))?;
        let kind = match get("holder_kind") {
            None => self.holder_kind,
            Some("organisation") => HolderKind::Organisation,
            Some("person") => HolderKind::Person,
            Some("other") => HolderKind::Other,
            Some(other) => {
                return Err(column(
                    "holder_kind",
                    ColumnProblem::HolderKind(other.to_owned()),
                ))
            }
        };
        let id = match kind {
            HolderKind::Organisation => HolderId::Organisation(
                holder_id
                    .parse()
                    .map_err(|e| column("holder_id", ColumnProblem::Identifier(e)))?,
            ),
            HolderKind::Person => HolderId::Person(
                holder_id
                    .parse()
                    .map_err(|e| column("holder_id", ColumnProblem::Identifier(e)))?,
            ),
            HolderKind::Other => HolderId::Other(holder_id.to_owned()),
        };
        let date_of = |c: &str| {
            get(c)
                .map(parse_date)
                .transpose()
                .map_err(|e| column(c, ColumnProblem::Date(e)))
        };
        let issued_on = date_of("issued_on")?.unwrap_or(ctx.today);
        if issued_on > ctx.today {
            // Verifiers refuse a license issued after their today (`issued_in_future`): never
            // sign one.
            return Err(column(
                "issued_on",
                ColumnProblem::IssuedInFuture {
                    issued_on,
                    today: ctx.today,
                },
            ));
        }
        let from = date_of("valid_from")?.unwrap_or(issued_on);
        if from < issued_on {
            return Err(column(
                "valid_from",
                ColumnProblem::StartsBeforeIssue { from, issued_on },
            ));
        }
        let until =
            match get("valid_until") {
                Some("长期") | Some("perpetual") => None,
                Some(text) => Some(
                    parse_date(text).map_err(|e| column("valid_until", ColumnProblem::Date(e)))?,
                ),
                None => match self.validity_years {
                    None => None,
                    Some(_) => Some(self.default_end(from).ok_or_else(|| {
                        column("valid_until", ColumnProblem::DefaultEndOutOfRange)
                    })?),
                },
            };
        let validity = match until {
            None => Validity::perpetual(from),
            Some(until) => Validity::until(from, until).map_err(|_| {
                column(
                    "valid_until",
                    ColumnProblem::ValidityReversed { from, until },
                )
            })?,
        };
        let mut fields = Vec::new();
        for spec in &self.fields {
            let Some(text) = get(&spec.key) else {
                if spec.required {
                    return Err(column(
                        &spec.key,
                        ColumnProblem::RequiredField(spec.label_zh.clone()),
                    ));
                }
                continue;
            };
            let value =
                match spec.kind {
                    FieldKind::Text => FieldValue::Text(text.to_owned()),
                    FieldKind::Date => FieldValue::Date(
                        parse_date(text).map_err(|e| column(&spec.key, ColumnProblem::Date(e)))?,
                    ),
                    FieldKind::Integer => FieldValue::Integer(text.parse().map_err(|_| {
                        column(&spec.key, ColumnProblem::NotInteger(text.to_owned()))
                    })?),
                    FieldKind::Bytes => FieldValue::Bytes(
                        hex::decode(text)
                            .map_err(|e| column(&spec.key, ColumnProblem::NotHex(e.to_string())))?,
                    ),
                };
            fields.push(Field::new(spec.key.clone(), value));
        }
        let type_code = self
            .type_code
            .parse()
            .map_err(|e| TemplateError::BadTemplate(TemplateProblem::TypeCode(e)))?;
        let license = License {
            id: LicenseId::new(type_code, ctx.issuer.clone(), ctx.sequence)
                .map_err(TemplateError::Identifier)?,
            type_name: self.type_name.clone(),
            issuer_name: ctx.issuer_name.clone(),
            holder: Holder {
                name: holder_name.to_owned(),
                id,
            },
            issued_on,
            validity,
            fields,
            attachments: vec![],
            status_index: ctx.status_index,
            not_shown: vec![],
        };
        license
            .validate()
            .map_err(|e| TemplateError::License(Box::new(e)))?;
        Ok(license)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn ctx() -> IssueContext {
        IssueContext {
            issuer: OrgCode::with_check("11350100MB0312345").unwrap(),
            issuer_name: "福州市市场监督管理局".into(),
            sequence: 7,
            status_index: Some(3),
            today: date!(2025 - 06 - 01),
        }
    }

    fn record(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn business() -> BTreeMap<String, String> {
        record(&[
            ("holder_name", "福州示例科技有限公司"),
            ("holder_id", "91350100MA8T2Q3X18"),
            ("company_type", "有限责任公司"),
            ("legal_representative", "张三"),
            ("registered_capital", "壹佰万元整"),
            ("established_on", "2019-05-20"),
            ("address", "福州市鼓楼区"),
            ("business_scope", "软件开发"),
        ])
    }

    #[test]
    fn builtins_parse() {
        let all = LicenseTemplate::builtin();
        assert_eq!(all.len(), BUILTIN.len());
        assert!(LicenseTemplate::builtin_for("JSZ").is_some());
    }

    /// A template of its own for a built-in type code must keep the built-in name: a license
    /// named otherwise is `type_mismatch` for every verifier (`docs/FORMAT.md` §3.3).
    #[test]
    fn a_template_cannot_rename_a_builtin_type() {
        let mut t = LicenseTemplate::builtin_for("JSZ").unwrap();
        t.type_name = "营业执照".into();
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(
            LicenseTemplate::from_json(&json),
            Err(TemplateError::BadTemplate(TemplateProblem::TypeName {
                type_code: "JSZ".into(),
                expected: "机动车驾驶证".into(),
                found: "营业执照".into(),
            }))
        );
        // Another type code keeps its own name.
        t.type_code = "XSZ".into();
        t.type_name = "机动车行驶证".into();
        let json = serde_json::to_string(&t).unwrap();
        assert!(LicenseTemplate::from_json(&json).is_ok());
    }

    #[test]
    fn a_record_becomes_a_license() {
        let t = LicenseTemplate::builtin_for("YYZZ").unwrap();
        let l = t.build(&business(), &ctx()).unwrap();
        assert_eq!(l.id.sequence(), 7);
        assert_eq!(l.issued_on, date!(2025 - 06 - 01));
        assert_eq!(l.validity.last_day(), None);
        assert_eq!(l.fields.len(), 6);
        assert_eq!(l.fields[3].value, FieldValue::Date(date!(2019 - 05 - 20)));
    }

    #[test]
    fn an_issue_date_after_today_is_never_signed() {
        let t = LicenseTemplate::builtin_for("YYZZ").unwrap();
        let mut r = business();
        r.insert("issued_on".into(), "2025-06-02".into());
        assert_eq!(
            t.build(&r, &ctx()).unwrap_err(),
            column(
                "issued_on",
                ColumnProblem::IssuedInFuture {
                    issued_on: date!(2025 - 06 - 02),
                    today: date!(2025 - 06 - 01),
                }
            )
        );
        r.insert("issued_on".into(), "2025-06-01".into());
        assert!(t.build(&r, &ctx()).is_ok(), "today itself is fine");
    }

    #[test]
    fn default_validity_years_and_explicit_dates() {
        let t = LicenseTemplate::builtin_for("JSZ").unwrap();
        let r = record(&[
            ("holder_name", "李四"),
            ("holder_id", "350203198506151233"),
            ("sex", "男"),
            ("nationality", "中国"),
            ("birth_date", "1985-06-15"),
            ("first_issued_on", "2010-08-01"),
            ("vehicle_class", "C1"),
            ("issued_on", "2024-02-01"),
            ("valid_from", "2024-02-29"),
            ("archive_number", ""),
        ]);
        let l = t.build(&r, &ctx()).unwrap();
        assert_eq!(l.validity.last_day(), Some(date!(2030 - 02 - 28)));
        assert_eq!(l.fields.len(), 5, "empty optional cells are absent");
        // Validity starting before the issue date (today, by default) is refused.
        let mut r = r;
        r.remove("issued_on");
        let e = t.build(&r, &ctx()).unwrap_err();
        assert!(
            e.to_string()
                .contains("validity starts on 2024-02-29, before the issue date 2025-06-01"),
            "{e}"
        );
    }

    #[test]
    fn bad_records_name_the_column() {
        let t = LicenseTemplate::builtin_for("YYZZ").unwrap();
        let case = |k: &str, v: &str| {
            let mut r = business();
            r.insert(k.into(), v.into());
            t.build(&r, &ctx()).unwrap_err()
        };
        assert!(
            matches!(case("holder_id", "91350100MA8T2Q3X19"), TemplateError::Column { column, .. } if column == "holder_id")
        );
        assert!(
            matches!(case("established_on", "2019-02-30"), TemplateError::Column { column, .. } if column == "established_on")
        );
        assert!(
            matches!(case("legal_represntative", "x"), TemplateError::Column { column, .. } if column == "legal_represntative")
        );
        assert!(
            matches!(case("valid_until", "2018-01-01"), TemplateError::Column { column, .. } if column == "valid_until")
        );
        assert!(matches!(
            case("address", "a\u{7}b"),
            TemplateError::License(_)
        ));
        let mut r = business();
        r.remove("legal_representative");
        assert!(
            matches!(t.build(&r, &ctx()).unwrap_err(), TemplateError::Column { column, .. } if column == "legal_representative")
        );
    }

    #[test]
    fn bad_templates_are_refused() {
        assert!(LicenseTemplate::from_json("{}").is_err());
        let mut t = LicenseTemplate::builtin_for("YYZZ").unwrap();
        t.fields.push(t.fields[0].clone());
        let json = serde_json::to_string(&t).unwrap();
        assert!(matches!(
            LicenseTemplate::from_json(&json),
            Err(TemplateError::BadTemplate(_))
        ));
    }
}
