//! `tenderlint fmt`: formatting keeps the meaning (same syntax tree, spans aside) and every
//! comment, and formatting twice changes nothing — on the shipped packs and on generated files.

use std::sync::LazyLock;

use regex::Regex;
use tenderlint::lang::format::format;
use tenderlint::lang::parse_rule_file;

use crate::util::Lcg;

static SPANS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"span: Span \{ offset: \d+, len: \d+ \}").unwrap());

/// The syntax tree with its spans blanked out.
fn tree(src: &str) -> String {
    let (file, errors) = parse_rule_file(src);
    assert!(errors.is_empty(), "{errors:#?}\n{src}");
    SPANS.replace_all(&format!("{file:?}"), "span").into_owned()
}

fn comment_count(src: &str) -> usize {
    src.lines().filter(|l| l.contains('#')).count()
}

fn assert_preserves(src: &str) -> String {
    let once = format(src).unwrap_or_else(|e| panic!("{e:#?}\n{src}"));
    assert_eq!(tree(&once), tree(src), "meaning changed:\n{once}");
    let twice = format(&once).unwrap();
    assert_eq!(twice, once, "not idempotent");
    once
}

fn pack_files() -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = walkdir::WalkDir::new("rules")
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "tl"))
        .map(|e| e.path().to_path_buf())
        .collect();
    files.sort();
    files
}

#[test]
fn shipped_packs_keep_their_meaning_and_comments() {
    for f in pack_files() {
        let src = std::fs::read_to_string(&f).unwrap();
        let out = assert_preserves(&src);
        let (before, after) = (src.matches('#').count(), out.matches('#').count());
        assert_eq!(before, after, "{}: comments lost", f.display());
    }
}

#[test]
fn shipped_packs_are_formatted() {
    for f in pack_files() {
        let src = std::fs::read_to_string(&f).unwrap();
        assert_eq!(
            format(&src).unwrap(),
            src,
            "{} is not formatted: run `tenderlint fmt rules/`",
            f.display()
        );
    }
}

/// Random rule-file pieces, from a small deterministic generator.
struct Gen(Lcg);

impl Gen {
    fn next(&mut self, n: usize) -> usize {
        self.0.below(n)
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.next(xs.len())]
    }
    fn words(&mut self, n: usize) -> String {
        let ws = [
            "insertion",
            "prestation",
            "d’insertion",
            "public",
            "l'objet",
            "« support »",
            "été",
            "qualification",
            "RSA",
            "10 %",
            "\\\"cité\\\"",
            "a\\\\b",
        ];
        (0..n).map(|_| self.pick(&ws)).collect::<Vec<_>>().join(" ")
    }
    fn atom(&mut self) -> String {
        match self.next(3) {
            0 => self.pick(&["ta", "tb", "rx"]).to_string(),
            1 => {
                let n = 1 + self.next(3);
                format!("\"{}\"", self.words(n))
            }
            _ => self
                .pick(&[r"/\b(\d+) ?%/", r"/a\/b/", "/x+/c"])
                .to_string(),
        }
    }
    fn cond(&mut self, depth: usize) -> String {
        let leaf = depth > 3 || self.next(3) == 0;
        if leaf {
            return match self.next(5) {
                0 => format!(
                    "{} near {} within {} words",
                    self.atom(),
                    self.atom(),
                    self.next(40)
                ),
                1 => format!("{} before {}", self.atom(), self.atom()),
                2 => format!(
                    "count {}{} {} {}",
                    if self.next(2) == 0 { "distinct " } else { "" },
                    self.atom(),
                    self.pick(&["<", "<=", ">", ">=", "=", "!="]),
                    self.next(5)
                ),
                3 => format!("value rx >= {}", self.pick(&["50", "seuil", "12.5"])),
                _ => self.atom(),
            };
        }
        match self.next(6) {
            0 => format!("{} and {}", self.cond(depth + 1), self.cond(depth + 1)),
            1 => format!("{} or {}", self.cond(depth + 1), self.cond(depth + 1)),
            2 => format!("not {}", self.cond(depth + 1)),
            3 => format!("({})", self.cond(depth + 1)),
            4 => {
                let n = 1 + self.next(4);
                let items: Vec<String> = (0..n)
                    .map(|_| {
                        let c = self.cond(depth + 1);
                        if self.next(3) == 0 {
                            format!("\n    # about the next one\n    {c}")
                        } else {
                            c
                        }
                    })
                    .collect();
                format!("{}({})", self.pick(&["all", "any"]), items.join(", "))
            }
            _ => format!(
                "({}) in {}",
                self.cond(depth + 1),
                self.pick(&["objet", "tender", "cctp.objet", "first 30 words of objet"])
            ),
        }
    }
    fn file(&mut self) -> String {
        let mut s = String::from(
            "# generated\npack p {\n  name \"P\"\n  applies ta or tb\n}\nparam seuil = 50\nterms ta = \"a\" | \"b\"  # trailing\nterms tb = \"c\"\nregex rx = /(\\d+) ?%/\nsection objet = heading /objet/ or block ta\n",
        );
        for r in 0..(1 + self.next(4)) {
            s.push_str(&format!("\n# Rule {r}\nrule R{r} {{\n"));
            let (nm, nw) = (2 + self.next(30), 1 + self.next(60));
            let mut fields = vec![
                "  tags objet".to_string(),
                format!("  level {}", self.pick(&["error", "warning", "info"])),
                format!("  message \"{}\"", self.words(nm)),
                format!("  why \"{}\"", self.words(nw)),
                format!("  fix \"{}\"", self.words(1)),
            ];
            for _ in 0..(1 + self.next(3)) {
                fields.push(format!(
                    "  {} {}",
                    self.pick(&["expect", "forbid"]),
                    self.cond(0)
                ));
            }
            if self.next(2) == 0 {
                fields.push(format!("  when {}", self.cond(2)));
            }
            if self.next(2) == 0 {
                fields.push("  in first 20 words of objet".into());
            }
            if self.next(2) == 0 {
                fields.push(format!(
                    "  example pass \"\"\"\n    # Objet\n\n      {}\n  \"\"\"",
                    self.words(3)
                ));
            }
            fields.push(format!("  see \"{}\"  # a reference", self.words(2)));
            // Fields in a random order, as an author might write them.
            for i in (1..fields.len()).rev() {
                let j = self.next(i + 1);
                fields.swap(i, j);
            }
            s.push_str(&fields.join("\n"));
            s.push_str("\n}\n");
        }
        s
    }
}

#[test]
fn formatting_generated_files_preserves_the_tree() {
    let mut g = Gen(Lcg(7));
    for _ in 0..300 {
        let src = g.file();
        let out = assert_preserves(&src);
        assert_eq!(
            comment_count(&src) - src.matches("# Objet").count(),
            comment_count(&out) - out.matches("# Objet").count(),
            "comments lost:\n{src}\n---\n{out}"
        );
    }
}
