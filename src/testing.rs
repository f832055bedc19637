//! Helpers shared by the unit tests: a random generator, and a test pack with a pattern of
//! every search mode, with texts that exercise them.

/// A small deterministic random generator (a linear congruential one: no dependency needed).
pub struct Lcg(pub u64);

impl Lcg {
    /// A number below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize % n
    }

    /// Up to `max - 1` pieces of the palette, joined.
    pub fn text(&mut self, palette: &[&str], max: usize) -> String {
        (0..self.below(max))
            .map(|_| palette[self.below(palette.len())])
            .collect()
    }
}

pub const RULES: &str = r#"
pack t {
  name    "t"
  version "1"
}
regex prefix = /insertion\s+professionnelle/
regex short_prefix = /\b(?:L\.?\s?2113-1[2-5]|R\.?\s?2123-1)\b/
regex window = /\b\d{1,3}\s?%/
regex gate = /\d[\d\s]*heures/
regex line = /(?mi)^[ \t]*(?:#{1,6}[ \t]*)?article\s+\d+/c
regex full = /\w+e\b/
regex word = /\b[a-z]+\b/
regex empty = /\d*/
regex blank = /(?m)^[ \t]*$/c
regex lazy_gate = /\d[^.]*?heures/
regex folded_line = /(?m)^[ \t]*(?:#{1,6}[ \t]*)?article\s+\d+/
regex gapped = /\b(?:insertion|prestation)\b[^.;]{0,60}\b(?:heures|travail)\b/
regex gapped_far = /\binsertion[^.]*heures/
terms listed = "agent(e)(s) d'entretien" | "agent" | "zqx*b" | "zqx*"
rule R {
  tags    objet
  level   warning
  expect  prefix and short_prefix and window and gate and line and full and word and empty and blank and lazy_gate and folded_line and gapped and gapped_far and listed
  message "m"
  why     "w"
  fix     "f"
}
"#;

/// Texts where matches touch, overlap candidates, repeat and sit at both ends.
pub fn texts() -> Vec<String> {
    let pieces = [
        "Article 1 - Objet\n",
        "  ## ARTICLE 22 : public\n",
        "insertion professionnelle ",
        "insertion  insertion professionnelle",
        "L. 2113-12 et R2123-1, L 2113-16 ",
        "60 % puis 12%, 1000 %, 5\u{a0}% ",
        "12 000 heures d’insertion, 3 4 heures heures ",
        "la prestation d'accompagnement ",
        "\n\n",
        "article 3",
        "1 heures de travail ",
        "\r\n\r\n",
        "12a",
        "agentes d'entretien, agent, agents de ",
    ];
    // Many ends for a lazy gated pattern, no full stop: the backward search gives up and
    // searches forward.
    let mut out = vec!["1 heures de travail ".repeat(300)];
    // A term list's try that gives up (a long run under `*` followed by no `b`): the
    // list's automaton answers.
    out.push(format!("agent zqx{} zqxb", "a".repeat(5000)));
    let mut random = Lcg(7);
    for n in 0..60 {
        let t: String = (0..(n % 12 + 1))
            .map(|_| pieces[random.below(pieces.len())])
            .collect();
        out.push(t);
    }
    out
}

/// A tender of one Markdown document.
pub fn one_doc(text: String) -> [crate::document::Document; 1] {
    [crate::document::Document::from_text(
        std::path::Path::new("t.md"),
        "t.md",
        crate::document::Format::Markdown,
        text,
    )]
}

/// The test pack of [`RULES`].
pub fn test_source() -> crate::compile::PackSource {
    crate::compile::PackSource {
        default_id: "t".into(),
        files: vec![crate::lang::SourceFile::new("t.tl", RULES)],
    }
}

/// The test pack of [`RULES`], compiled.
pub fn test_rules() -> crate::compile::RuleSet {
    let (set, errors) = crate::compile::compile(&[test_source()], &Default::default());
    assert!(errors.is_empty(), "{errors:?}");
    set
}
