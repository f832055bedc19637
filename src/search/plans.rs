//! What loading a pattern works out, kept from one run to the next: whether it runs
//! case-insensitively, the group `value` reads, how it is searched and the literals that find
//! its candidates (see [`super::scan`]). Working that out means parsing every pattern and
//! extracting its literals, which is most of the cost of loading a pack (about 25 ms for the
//! MIQ pack, more than checking a 200 KB draft); with the plans of a previous run, a pattern is
//! only parsed if a document needs it.
//!
//! A plan is looked up by the exact pattern it was made for, and the whole set is discarded
//! when it was written by another build of tenderlint (the literals depend on the code that
//! extracts them), so a plan is only ever used for the pattern and the code it came from.
//! Reading and writing the file is the caller's business (see [`crate::lint`]): this module
//! turns plans into bytes and back, and never fails on bad bytes (they give no plans).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::plan::{Ends, Mode};

/// Identifies the build: a hash of tenderlint's sources and locked dependencies (`build.rs`).
pub const BUILD_ID: &str = env!("TENDERLINT_BUILD_ID");

/// The first bytes of a plans file.
const MAGIC: &[u8] = b"tenderlint plans\n";

/// How one pattern is run, as worked out when it was first loaded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// Whether the pattern runs case-insensitively (only when case matters in folded text).
    pub case_insensitive: bool,
    /// The capture group `value` reads.
    pub value_group: Option<usize>,
    pub mode: Mode,
    /// The literals the scanner looks for (see [`super::scan::plan_hir`]).
    pub literals: Vec<Vec<u8>>,
    /// For a pattern tried at its literals' starts: the literals its matches end with.
    pub ends: Option<Ends>,
    /// The pattern's syntax tree (see [`super::tree`]), for patterns written in a rule file
    /// (a term list's tree is built from its terms as quickly).
    pub syntax: Option<Vec<u8>>,
}

/// Plans by pattern (the regex as run, and whether it runs on the original text), in order:
/// the same plans give the same bytes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Plans {
    entries: BTreeMap<(String, bool), Plan>,
}

impl Plans {
    pub fn get(&self, pattern: &str, original: bool) -> Option<&Plan> {
        // The key is an owned pair; looking up by reference would need a borrowed key type,
        // and one allocation per pattern is nothing beside what the plan saves.
        self.entries.get(&(pattern.to_string(), original))
    }

    /// Takes a plan out (loading a pack moves each plan into its pattern: a copy of its
    /// literals and syntax tree would cost more than looking it up).
    pub fn take(&mut self, pattern: &str, original: bool) -> Option<Plan> {
        self.entries.remove(&(pattern.to_string(), original))
    }

    pub fn insert(&mut self, pattern: String, original: bool, plan: Plan) {
        self.entries.insert((pattern, original), plan);
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The plans as bytes, stamped with this build and followed by their SHA-256.
    pub fn to_bytes(&self) -> Vec<u8> {
        use sha2::{Digest, Sha256};
        let mut out = Vec::from(MAGIC);
        out.extend_from_slice(BUILD_ID.as_bytes());
        out.push(b'\n');
        // Serialising maps of strings and byte vectors cannot fail.
        out.extend(postcard::to_stdvec(self).unwrap_or_default());
        let sum = Sha256::digest(&out);
        out.extend_from_slice(&sum);
        out
    }

    /// Plans from bytes written by [`Plans::to_bytes`]; `None` for anything else: bytes from
    /// another build, truncated or damaged (a changed literal would otherwise still decode,
    /// and silence a pattern until the file is rewritten).
    pub fn from_bytes(bytes: &[u8]) -> Option<Plans> {
        use sha2::{Digest, Sha256};
        let (body, sum) = bytes.split_at_checked(bytes.len().checked_sub(32)?)?;
        if Sha256::digest(body).as_slice() != sum {
            return None;
        }
        let rest = body.strip_prefix(MAGIC)?;
        let rest = rest.strip_prefix(BUILD_ID.as_bytes())?;
        let rest = rest.strip_prefix(b"\n")?;
        let (plans, left): (Plans, &[u8]) = postcard::take_from_bytes(rest).ok()?;
        left.is_empty().then_some(plans)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Plans {
        let mut p = Plans::default();
        p.insert(
            r"(?-u:\b)insertion(?:s|x)?(?-u:\b)".into(),
            false,
            Plan {
                case_insensitive: false,
                value_group: None,
                mode: Mode::Prefix,
                literals: vec![b"insertio".to_vec()],
                ends: Some(Ends {
                    literals: vec![b"ion".to_vec(), b"ions".to_vec()],
                    within: Some(14),
                }),
                syntax: None,
            },
        );
        p.insert(
            r"(?m)^article".into(),
            true,
            Plan {
                case_insensitive: true,
                value_group: Some(1),
                mode: Mode::Window(42),
                literals: vec![vec![0xc3], b"%".to_vec()],
                ends: None,
                syntax: Some(vec![3, 1, 0]),
            },
        );
        p
    }

    #[test]
    fn round_trip() {
        let p = sample();
        let back = Plans::from_bytes(&p.to_bytes()).unwrap();
        assert_eq!(back, p);
        assert_eq!(
            back.get(r"(?m)^article", true).unwrap().mode,
            Mode::Window(42)
        );
        assert!(back.get(r"(?m)^article", false).is_none());
    }

    #[test]
    fn bad_bytes_give_no_plans() {
        let bytes = sample().to_bytes();
        // Every truncation, and every single damaged byte, is refused.
        for n in 0..bytes.len() {
            assert!(Plans::from_bytes(&bytes[..n]).is_none(), "truncated at {n}");
        }
        for i in 0..bytes.len() {
            let mut b = bytes.clone();
            b[i] ^= 0x5a;
            assert!(Plans::from_bytes(&b).is_none(), "byte {i} changed");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(Plans::from_bytes(&longer).is_none());
        // Another build's plans, with a checksum that fits.
        let mut other = [
            MAGIC,
            b"another build\n",
            &bytes[MAGIC.len() + BUILD_ID.len() + 1..bytes.len() - 32],
        ]
        .concat();
        let sum = <sha2::Sha256 as sha2::Digest>::digest(&other);
        other.extend_from_slice(&sum);
        assert!(Plans::from_bytes(&other).is_none());
        assert!(Plans::from_bytes(b"").is_none());
    }
}
