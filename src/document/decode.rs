//! Decoding bytes into text: UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252.

use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1252};

/// Decodes a text file. Fails on data that is clearly not text (NUL bytes without a UTF-16 BOM).
pub fn decode(bytes: &[u8]) -> Result<String, String> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return Ok(String::from_utf8_lossy(rest).into_owned());
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return Ok(UTF_16LE.decode_without_bom_handling(rest).0.into_owned());
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return Ok(UTF_16BE.decode_without_bom_handling(rest).0.into_owned());
    }
    if bytes.contains(&0) {
        return Err("this is not a text document (it contains binary data)".into());
    }
    // Validating UTF-8 was a twentieth of a check on French text (accents leave the
    // standard library's ASCII fast path): simdutf8 does it with SIMD.
    match simdutf8::basic::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(_) => Ok(WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings() {
        assert_eq!(decode("marché".as_bytes()).unwrap(), "marché");
        assert_eq!(decode(b"\xEF\xBB\xBFmarch\xC3\xA9").unwrap(), "marché");
        assert_eq!(
            decode(b"march\xE9 d\x92insertion").unwrap(),
            "marché d’insertion"
        );
        assert_eq!(decode(b"\xFF\xFEm\x00\xE9\x00").unwrap(), "mé");
        assert_eq!(decode(b"\xFE\xFF\x00m\x00\xE9").unwrap(), "mé");
        assert!(decode(b"PK\x03\x04\x00\x00").is_err());
    }
}
