//! The marks tenderlint writes near the start of its generated files (reports, baselines), so
//! that discovery skips them: a report left in a checked folder is never read as a document of
//! the tender.

/// The mark of the JSON outputs (JSON, SARIF, baseline): a `"generator"` member near the start.
pub const JSON_MARK: &str = "\"generator\": \"tenderlint";
/// The mark of the HTML report: its `<meta name="generator">`.
pub const HTML_MARK: &str = "<meta name=\"generator\" content=\"tenderlint";
/// The mark of the JUnit report: the name of its root element.
pub const JUNIT_MARK: &str = "<testsuites name=\"tenderlint\"";
/// The mark of the GitLab report: the engine name of its first issue.
pub const GITLAB_MARK: &str = "\"engine_name\": \"tenderlint\"";

/// How far into a file the marks are looked for.
pub const MARK_WINDOW: usize = 4096;

/// Whether a file's first bytes say tenderlint wrote it.
pub fn is_generated(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(MARK_WINDOW)];
    [JSON_MARK, HTML_MARK, JUNIT_MARK, GITLAB_MARK]
        .iter()
        .any(|m| memchr::memmem::find(head, m.as_bytes()).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_are_recognised_in_the_first_bytes_only() {
        assert!(is_generated(
            b"<!DOCTYPE html>\n<meta name=\"generator\" content=\"tenderlint 0.1.0\">"
        ));
        assert!(is_generated(
            b"{\n  \"version\": 1,\n  \"generator\": \"tenderlint 0.1.0\""
        ));
        assert!(!is_generated(b"# CCTP\n\nLe march\xc3\xa9 a pour objet"));
        let mut late = vec![b' '; MARK_WINDOW];
        late.extend(JSON_MARK.as_bytes());
        assert!(!is_generated(&late));
    }
}
