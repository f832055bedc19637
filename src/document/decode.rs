//! Decoding bytes into text: UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252.
//!
//! A file that is not valid UTF-8 is read as UTF-8 all the same when it looks like UTF-8: at
//! least as many valid multi-byte sequences (accented letters, `’`, `—`) as invalid ones. Its
//! invalid bytes become « � » and the reader is told where the first ones are: re-reading a
//! whole UTF-8 file as Windows-1252 for one stray byte turned every accent into mojibake. A
//! file without valid multi-byte sequences, or with more invalid ones, is Windows-1252 (the
//! encoding of older Windows editors), read without a warning.

use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1252};

const BINARY: &str = "this is not a text document (it contains binary data)";

/// A decoded text, and what the reader should know about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    /// Set when invalid bytes were replaced: how many, and where the first are.
    pub warning: Option<String>,
}

impl Decoded {
    fn clean(text: String) -> Decoded {
        Decoded {
            text,
            warning: None,
        }
    }
}

/// Decodes a text file. Fails on data that is clearly not text (NUL bytes, with or without a
/// byte-order mark).
pub fn decode(bytes: &[u8]) -> Result<Decoded, String> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        if rest.contains(&0) {
            return Err(BINARY.into());
        }
        return Ok(match simdutf8::basic::from_utf8(rest) {
            Ok(s) => Decoded::clean(s.to_string()),
            Err(_) => utf8_replacing(rest, 3),
        });
    }
    let utf16 = match bytes {
        [0xFF, 0xFE, rest @ ..] => Some(UTF_16LE.decode_without_bom_handling(rest).0),
        [0xFE, 0xFF, rest @ ..] => Some(UTF_16BE.decode_without_bom_handling(rest).0),
        _ => None,
    };
    if let Some(text) = utf16 {
        // UTF-16 text has NUL bytes, but never a NUL character.
        if text.contains('\0') {
            return Err(BINARY.into());
        }
        return Ok(Decoded::clean(text.into_owned()));
    }
    if bytes.contains(&0) {
        return Err(BINARY.into());
    }
    // Validating UTF-8 was a twentieth of a check on French text (accents leave the
    // standard library's ASCII fast path): simdutf8 does it with SIMD.
    match simdutf8::basic::from_utf8(bytes) {
        Ok(s) => Ok(Decoded::clean(s.to_string())),
        Err(_) if looks_like_utf8(bytes) => Ok(utf8_replacing(bytes, 0)),
        Err(_) => Ok(Decoded::clean(
            WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
                .into_owned(),
        )),
    }
}

/// Whether invalid UTF-8 is UTF-8 with a few bad bytes: at least one valid multi-byte
/// sequence, and at least as many as invalid sequences.
fn looks_like_utf8(bytes: &[u8]) -> bool {
    let (mut valid, mut invalid) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        valid += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        invalid += usize::from(!chunk.invalid().is_empty());
    }
    valid > 0 && valid >= invalid
}

/// UTF-8 with its invalid sequences replaced by U+FFFD, and a warning placing the first (its
/// byte offset in the file, counting a BOM of `offset` bytes, and its line).
fn utf8_replacing(bytes: &[u8], offset: usize) -> Decoded {
    let (mut invalid, mut first, mut at) = (0usize, None, 0usize);
    for chunk in bytes.utf8_chunks() {
        at += chunk.valid().len();
        if !chunk.invalid().is_empty() {
            invalid += 1;
            first.get_or_insert(at);
        }
        at += chunk.invalid().len();
    }
    let first = first.unwrap_or(0);
    let line = memchr::memchr_iter(b'\n', &bytes[..first]).count() + 1;
    Decoded {
        text: String::from_utf8_lossy(bytes).into_owned(),
        warning: Some(format!(
            "invalid UTF-8: {invalid} byte sequence(s) replaced by « \u{fffd} », the first at line {line} (byte {})",
            first + offset
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: &[u8]) -> String {
        let d = decode(bytes).unwrap();
        assert_eq!(d.warning, None);
        d.text
    }

    #[test]
    fn encodings() {
        assert_eq!(text("marché".as_bytes()), "marché");
        assert_eq!(text(b"\xEF\xBB\xBFmarch\xC3\xA9"), "marché");
        assert_eq!(text(b"march\xE9 d\x92insertion"), "marché d’insertion");
        assert_eq!(text(b"\xFF\xFEm\x00\xE9\x00"), "mé");
        assert_eq!(text(b"\xFE\xFF\x00m\x00\xE9"), "mé");
        assert!(decode(b"PK\x03\x04\x00\x00").is_err());
    }

    #[test]
    fn a_stray_byte_in_utf8_is_replaced_and_placed() {
        let d = decode(
            "Marché d’insertion\nlot n\u{b0} 2 : "
                .bytes()
                .chain(*b"renforc\xe9 \xff")
                .collect::<Vec<_>>()
                .as_slice(),
        )
        .unwrap();
        assert_eq!(
            d.text,
            "Marché d’insertion\nlot n° 2 : renforc\u{fffd} \u{fffd}"
        );
        assert_eq!(
            d.warning.as_deref(),
            Some(
                "invalid UTF-8: 2 byte sequence(s) replaced by « \u{fffd} », the first at line 2 (byte 41)"
            )
        );
        // After a BOM, the offset counts it.
        let d = decode(b"\xEF\xBB\xBFcaf\xC3\xA9 \xE9t\xE9").unwrap();
        assert_eq!(d.text, "café \u{fffd}t\u{fffd}");
        assert!(d.warning.unwrap().ends_with("the first at line 1 (byte 9)"));
    }

    #[test]
    fn binary_after_a_byte_order_mark_is_still_binary() {
        for bytes in [
            &b"\xEF\xBB\xBF\x7fELF\x02\x01\x01\x00\x00"[..],
            b"\xFF\xFE\x00\x00\x01\x02",
            b"\xFE\xFF\x00\x00",
        ] {
            assert_eq!(decode(bytes), Err(BINARY.to_string()), "{bytes:?}");
        }
    }
}
