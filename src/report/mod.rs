//! Renderers: each output format is a view of the same run, behind one trait.

pub mod catalogue;
pub mod github;
pub mod gitlab;
pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod short;
#[cfg(test)]
pub(crate) mod testing;

use std::io::{self, Write};

use crate::engine::Finding;
pub use crate::pipeline::{Run, Summary};

/// One output format.
pub trait Renderer {
    /// Writes the run's findings to `out` (standard output).
    fn render(&self, run: &Run, out: &mut dyn Write) -> io::Result<()>;
}

/// An output format of `check`: each is built into its [`Renderer`] by [`renderer`]. The command
/// line lists the formats with the first line of their documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Format {
    /// miette's graphical report of each finding, grouped by tender, in French, for a person.
    Human,
    /// The stable JSON output (version 2): findings, their rules, pack decisions, verdicts and
    /// evidence.
    Json,
    /// One line per finding, `path:line:column: level[RULE] message`, for editors and `grep`.
    Short,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands: one annotation per finding, then a summary line.
    Github,
    /// A GitLab Code Quality report, shown in merge requests.
    Gitlab,
    /// JUnit XML for CI dashboards: one test suite per tender, one test case per rule.
    Junit,
    /// A self-contained HTML report in French, for the facilitator of the social clause.
    #[cfg_attr(
        feature = "cli",
        value(
            help = "A self-contained HTML report in French (for facilitators), best with -o FILE"
        )
    )]
    Html,
}

impl Format {
    /// Every format, in the order the command line lists them.
    pub const ALL: [Format; 8] = [
        Format::Human,
        Format::Json,
        Format::Short,
        Format::Sarif,
        Format::Github,
        Format::Gitlab,
        Format::Junit,
        Format::Html,
    ];

    /// The format's name on the command line (`--format NAME`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Short => "short",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Gitlab => "gitlab",
            Format::Junit => "junit",
            Format::Html => "html",
        }
    }

    /// The format of a name, as [`Format::name`] gives it.
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Whether the format's files carry tenderlint's generator mark, by which discovery skips
    /// them as documents (see [`crate::output`]).
    pub fn marks_output(self) -> bool {
        matches!(
            self,
            Format::Json | Format::Sarif | Format::Gitlab | Format::Junit | Format::Html
        )
    }

    /// Whether the format shows the pillars' verdicts, which the evidence gathered while
    /// checking makes.
    pub fn shows_verdicts(self) -> bool {
        matches!(
            self,
            Format::Human | Format::Json | Format::Html | Format::Junit
        )
    }
}

/// What renderers need besides the run; each format reads only the options that concern it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderOptions {
    /// Human format: colours (Unicode drawing either way).
    pub color: bool,
    /// Human format: the width lines are wrapped to, in columns.
    pub width: usize,
    /// Human format: no summary line.
    pub quiet: bool,
    /// Human and short formats: list the findings silenced by inline suppressions, with their
    /// reasons.
    pub show_suppressed: bool,
    /// Every format: the counts of findings per rule instead of the findings (JSON in the JSON
    /// format, a table otherwise; see [`catalogue::statistics`]).
    pub statistics: bool,
    /// HTML format: the date the report is dated with, in French; `None` for today (see
    /// [`html::today`]).
    pub date: Option<String>,
}

impl Default for RenderOptions {
    /// No colour, 100 columns, the summary line, no suppressed findings, the findings
    /// themselves, dated today.
    fn default() -> Self {
        RenderOptions {
            color: false,
            width: 100,
            quiet: false,
            show_suppressed: false,
            statistics: false,
            date: None,
        }
    }
}

/// The renderer of `format` with `options`.
pub fn renderer(format: Format, options: &RenderOptions) -> Box<dyn Renderer> {
    if options.statistics {
        return Box::new(Statistics {
            json: format == Format::Json,
        });
    }
    match format {
        Format::Human => Box::new(
            human::Human::new(options.color, options.width)
                .quiet(options.quiet)
                .show_suppressed(options.show_suppressed),
        ),
        Format::Json => Box::new(json::Json),
        Format::Short => Box::new(short::Short {
            show_suppressed: options.show_suppressed,
        }),
        Format::Sarif => Box::new(sarif::Sarif),
        Format::Github => Box::new(github::Github),
        Format::Gitlab => Box::new(gitlab::Gitlab),
        Format::Junit => Box::new(junit::Junit),
        Format::Html => Box::new(html::Html::new(
            options.date.clone().unwrap_or_else(html::today),
        )),
    }
}

/// The counts of findings per rule (`--statistics`), as JSON or as a table.
struct Statistics {
    json: bool,
}

impl Renderer for Statistics {
    fn render(&self, run: &Run, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(catalogue::statistics(run, self.json).as_bytes())
    }
}

/// The text a finding points at (empty when its span is not in the text).
pub fn quote(f: &Finding) -> &str {
    f.source.get(f.span.clone()).unwrap_or("")
}

/// 1-based line and column (in characters) just after the end of a finding's span: the end is
/// exclusive, so an empty span ends where it starts.
pub fn end_position(f: &Finding) -> (usize, usize) {
    f.end
}

/// A text on one line: line breaks and tabs become spaces (for one-line-per-finding formats).
pub fn one_line(text: &str) -> String {
    text.replace("\r\n", " ").replace(['\r', '\n', '\t'], " ")
}

/// A document's path with forward slashes, relative to the current folder when it is below it
/// (CI systems want paths relative to the repository's root, where tenderlint runs).
pub fn relative_path(display: &str) -> String {
    let path = std::path::Path::new(display);
    if path.is_absolute()
        && let Ok(cwd) = std::env::current_dir()
        && let Ok(rel) = path.strip_prefix(&cwd)
    {
        return rel.to_string_lossy().replace('\\', "/");
    }
    display.replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_name_round_trips() {
        for f in Format::ALL {
            assert_eq!(Format::from_name(f.name()), Some(f), "{}", f.name());
        }
        assert_eq!(Format::from_name("HTML"), None);
        assert_eq!(Format::from_name("text"), None);
        let mut names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Format::ALL.len());
    }

    /// Each format builds a renderer that writes what the format's own renderer writes.
    #[test]
    fn every_format_builds_its_renderer() {
        let doc = testing::document("Objet\n\nLe marché a pour objet des travaux.\n");
        let at = doc.text.find("travaux").unwrap();
        let found = testing::finding(&doc, at..at + 7);
        let run = testing::run(doc, vec![found]);
        let options = RenderOptions {
            date: Some("1er janvier 1970".into()),
            ..RenderOptions::default()
        };
        let render = |r: &dyn Renderer| {
            let mut out = Vec::new();
            r.render(&run, &mut out).unwrap();
            String::from_utf8(out).unwrap()
        };
        for f in Format::ALL {
            let own: Box<dyn Renderer> = match f {
                Format::Human => Box::new(human::Human::new(false, 100)),
                Format::Json => Box::new(json::Json),
                Format::Short => Box::new(short::Short {
                    show_suppressed: options.show_suppressed,
                }),
                Format::Sarif => Box::new(sarif::Sarif),
                Format::Github => Box::new(github::Github),
                Format::Gitlab => Box::new(gitlab::Gitlab),
                Format::Junit => Box::new(junit::Junit),
                Format::Html => Box::new(html::Html::new("1er janvier 1970")),
            };
            let built = render(renderer(f, &options).as_ref());
            assert!(!built.is_empty(), "{}", f.name());
            assert_eq!(built, render(own.as_ref()), "{}", f.name());
            let statistics = RenderOptions {
                statistics: true,
                ..options.clone()
            };
            assert_eq!(
                render(renderer(f, &statistics).as_ref()),
                catalogue::statistics(&run, f == Format::Json),
                "{}",
                f.name()
            );
        }
    }

    #[test]
    fn human_options_reach_the_human_renderer() {
        let doc = testing::document("Texte.\n");
        let run = testing::run(doc, Vec::new());
        let render = |options: &RenderOptions| {
            let mut out = Vec::new();
            renderer(Format::Human, options)
                .render(&run, &mut out)
                .unwrap();
            String::from_utf8(out).unwrap()
        };
        let quiet = RenderOptions {
            quiet: true,
            ..RenderOptions::default()
        };
        assert!(!render(&RenderOptions::default()).is_empty());
        assert_eq!(render(&quiet), "");
    }
}
