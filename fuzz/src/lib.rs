//! Helpers shared by the fuzz targets in `fuzz_targets/`.

use std::collections::HashMap;
use std::sync::OnceLock;

use elicense::{License, TrustStore};

/// The fixtures' trust store, built once per process.
pub fn trust_store() -> &'static TrustStore {
    static STORE: OnceLock<TrustStore> = OnceLock::new();
    STORE.get_or_init(elicense_fixtures::trust_store)
}

/// The COSE_Sign1 bytes of every fixture sample, mapped to its license: the only documents that
/// may ever verify as valid against [`trust_store`] at [`elicense_fixtures::VERIFY_AT`].
pub fn valid_documents() -> &'static HashMap<Vec<u8>, License> {
    static DOCS: OnceLock<HashMap<Vec<u8>, License>> = OnceLock::new();
    DOCS.get_or_init(|| {
        elicense_fixtures::samples()
            .into_iter()
            .map(|s| (s.signed(), s.license))
            .collect()
    })
}

/// Whether `text` starts with `prefix`, ignoring ASCII case.
fn starts_with_ignore_ascii_case(text: &str, prefix: &str) -> bool {
    text.len() >= prefix.len()
        && text.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// The transport text inside an input, independently re-implementing what `transport::decode`
/// documents (docs/FORMAT.md §5): surrounding Unicode white space is ignored, and an input
/// starting with `https://` (any ASCII case) or `#` carries the text after its first `#`.
/// Returns `None` for a URL without a fragment and for an `http://` URL (decode must then fail:
/// `bad_url`, `insecure_url`).
pub fn transport_text(input: &str) -> Option<&str> {
    let text = input.trim();
    if starts_with_ignore_ascii_case(text, "http://") {
        return None;
    }
    let is_url = starts_with_ignore_ascii_case(text, "https://") || text.starts_with('#');
    if is_url {
        text.split_once('#').map(|(_, fragment)| fragment)
    } else {
        Some(text)
    }
}

/// The trust fixtures' verifier (`elicense_fixtures::trust::verifier`): the 福建 and 上海 roots,
/// the trust lists of `LOAD_ORDER` and the fuzhou-amr status list, loaded at `VERIFY_AT`. Built
/// once per process; targets that load lists clone it.
pub fn verifier() -> &'static TrustStore {
    static STORE: OnceLock<TrustStore> = OnceLock::new();
    STORE.get_or_init(elicense_fixtures::trust::verifier)
}

/// Split off the first byte of a fuzz input as a mode selector (`None` for an empty input).
pub fn mode(data: &[u8], modes: u8) -> Option<(u8, &[u8])> {
    data.split_first().map(|(m, rest)| (m % modes, rest))
}
