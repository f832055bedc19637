//! The characters of `word/document.xml`'s paragraphs, read as the Word reader reads them
//! (`w:t`, `w:tab`, `w:br`, `w:noBreakHyphen`; deletions, moves away, field codes and the
//! other elements of [`crate::document::docx::skipped`] left out), with where a comment's range
//! can start or end next to each (see [`super::passage`]).
//!
//! A range starts or ends between the runs of a paragraph, or of a `w:ins` or `w:hyperlink` in
//! it; inside a run's text only when the run is simple (its properties and one `w:t`), which is
//! then split in two runs with the same properties. Inside another element (a content control,
//! a simple field, a move), the range widens to that element; inside a complex field's result,
//! or in a paragraph that is not WordprocessingML's, there is no exact place.

use quick_xml::events::{BytesStart, Event};

use super::passage::{Edge, El, Layout, Split, Unit};
use super::splice::next_event;
use crate::document::docx::{char_of, skipped};
use crate::document::extract::Failure;
use crate::document::xml::{attr, local, reader};

/// An open element.
struct Open {
    name: String,
    el: usize,
    /// Its ordinal, for a paragraph element.
    ordinal: Option<usize>,
    /// Run facts: child elements but `w:rPr` and `w:t`, `w:t` children, units, the `w:rPr`
    /// and `w:t` seen, whether its text is kept as it is (`xml:space="preserve"`).
    others: usize,
    texts: usize,
    units: usize,
    rpr: Option<(usize, usize)>,
    t: Option<(usize, String, bool)>,
    cdata: bool,
}

/// Walks the main part; `w` is its prefix for WordprocessingML.
pub(super) fn layout(xml: &str, w: &str) -> Result<Layout, Failure> {
    let mut walk = Walk {
        xml,
        p: format!("{w}:p"),
        r: format!("{w}:r"),
        t: format!("{w}:t"),
        containers: [format!("{w}:ins"), format!("{w}:hyperlink")],
        out: Layout::default(),
        stack: Vec::new(),
        skip_from: None,
        in_ppr: false,
        in_t: false,
        fields: 0,
    };
    let mut r = reader(xml);
    loop {
        let (before, ev, after) = next_event(&mut r, "word/document.xml")?;
        match &ev {
            Event::Start(e) => walk.start(e, before, after, false),
            Event::Empty(e) => walk.start(e, before, after, true),
            Event::End(_) => walk.end(after),
            Event::Eof => break,
            _ => walk.text(&ev, before, after),
        }
    }
    Ok(walk.out)
}

struct Walk<'x> {
    xml: &'x str,
    p: String,
    r: String,
    t: String,
    containers: [String; 2],
    out: Layout,
    stack: Vec<Open>,
    /// The depth (stack length) of the skipped element being read.
    skip_from: Option<usize>,
    in_ppr: bool,
    in_t: bool,
    /// Complex fields open (`w:fldChar` begin without its end yet).
    fields: usize,
}

impl Walk<'_> {
    fn start(&mut self, e: &BytesStart<'_>, before: usize, after: usize, empty: bool) {
        let name = e.name().0.to_string();
        let l = local(&name);
        let ordinal = (l == b"p").then(|| {
            self.out.paragraphs.push(Vec::new());
            self.out.paragraphs.len() - 1
        });
        if let Some(parent) = self.stack.last_mut() {
            match l {
                b"rPr" => parent.rpr = Some((before, if empty { after } else { usize::MAX })),
                b"t" if name == self.t => {
                    parent.texts += 1;
                    let preserve = attr(e, b"xml:space").as_deref() == Some("preserve");
                    parent.t = Some((before + 1 + name.len(), name.clone(), preserve));
                }
                _ => parent.others += 1,
            }
        }
        if l == b"fldChar" && self.skip_from.is_none() {
            match attr(e, b"w:fldCharType").as_deref() {
                Some("begin") => self.fields += 1,
                Some("end") => self.fields = self.fields.saturating_sub(1),
                _ => {}
            }
        }
        let el = self.out.els.len();
        self.out.els.push(El {
            start: before,
            end: after,
            split: None,
        });
        if self.skip_from.is_none() {
            if skipped(l) {
                if !empty {
                    self.skip_from = Some(self.stack.len() + 1);
                }
            } else if let Some(c) = char_of(l, self.in_ppr) {
                self.unit(c, None);
            }
        }
        if empty {
            return;
        }
        match l {
            b"pPr" => self.in_ppr = true,
            b"t" => self.in_t = true,
            _ => {}
        }
        self.stack.push(Open {
            name,
            el,
            ordinal,
            others: 0,
            texts: 0,
            units: 0,
            rpr: None,
            t: None,
            cdata: false,
        });
    }

    fn end(&mut self, after: usize) {
        if self.skip_from == Some(self.stack.len()) {
            self.skip_from = None;
        }
        let Some(open) = self.stack.pop() else { return };
        self.out.els[open.el].end = after;
        match local(&open.name) {
            b"pPr" => self.in_ppr = false,
            b"t" => self.in_t = false,
            b"rPr" => {
                if let Some(parent) = self.stack.last_mut()
                    && let Some((_, end)) = &mut parent.rpr
                {
                    *end = after;
                }
            }
            _ => {}
        }
        if open.name == self.r {
            self.close_run(&open);
        }
    }

    /// A run closes: its last character ends after it, and it is splittable when simple.
    fn close_run(&mut self, run: &Open) {
        if run.units == 0 {
            return;
        }
        if let Some(last) = self.stack_paragraph_units().and_then(|u| u.last_mut())
            && matches!(last.end, Edge::Split(_, r) if r == run.el)
        {
            last.end = Edge::Around(run.el);
        }
        let Some((preserve_at, t, preserve)) = &run.t else {
            return;
        };
        if run.others > 0 || run.texts != 1 || run.cdata {
            return;
        }
        // Without `xml:space="preserve"`, spaces at the ends of the text may be dropped by
        // Word: such a run is not split.
        let units = self
            .stack_paragraph_units()
            .map(|u| &u[u.len() - run.units..]);
        let edges = units.map(|u| (u[0].ch, u[u.len() - 1].ch));
        if !preserve && edges.is_none_or(|(a, b)| a.is_whitespace() || b.is_whitespace()) {
            return;
        }
        let el = &self.out.els[run.el];
        let head = &self.xml[el.start..];
        let tag_end = head.find('>').map_or(0, |i| i + 1);
        let rpr = run
            .rpr
            .map_or("", |(s, e)| self.xml.get(s..e).unwrap_or(""));
        self.out.els[run.el].split = Some(Split {
            close: format!("</{t}></{}>", run.name),
            open: format!("{}{rpr}<{t} xml:space=\"preserve\">", &head[..tag_end]),
            preserve_at: (!preserve).then_some(*preserve_at),
        });
    }

    /// The units of the paragraph being read.
    fn stack_paragraph_units(&mut self) -> Option<&mut Vec<Unit>> {
        let ordinal = self.stack.iter().rev().find_map(|o| o.ordinal)?;
        self.out.paragraphs.get_mut(ordinal)
    }

    /// Text inside `w:t`.
    fn text(&mut self, ev: &Event<'_>, before: usize, after: usize) {
        if self.skip_from.is_some() || !self.in_t {
            return;
        }
        let Some(t) = crate::document::xml::text(ev) else {
            return;
        };
        match ev {
            Event::Text(_) => {
                for (at, end, c) in chars(&self.xml[before..after]) {
                    self.unit(c, Some((before + at, before + end)));
                }
            }
            Event::CData(_) => {
                if let Some(run) = self.stack.iter_mut().rev().find(|o| o.name == self.r) {
                    run.cdata = true;
                }
                for c in t.chars() {
                    self.unit(c, None);
                }
            }
            _ => {
                for c in t.chars() {
                    self.unit(c, Some((before, after)));
                }
            }
        }
    }

    /// A character of the innermost paragraph; `inner`, its byte range when it is text of a
    /// `w:t`. Its edges: inside its run when the run can be reached through allowed
    /// containers, else around the element that holds it.
    fn unit(&mut self, c: char, inner: Option<(usize, usize)>) {
        let Some(k) = self.stack.iter().rposition(|o| o.ordinal.is_some()) else {
            return;
        };
        let ordinal = self.stack[k].ordinal.unwrap_or(0);
        let n = self.stack.len();
        // The first element under the paragraph that is not an allowed container.
        let i = (k + 1..n)
            .find(|&j| !self.containers.contains(&self.stack[j].name))
            .unwrap_or(n);
        let outer = (i > k + 1).then(|| self.stack[k + 1].el);
        let (start, end) = if self.stack[k].name != self.p || self.fields > 0 || i == n {
            (Edge::Never, Edge::Never)
        } else if self.stack[i].name == self.r {
            let own_text = i + 2 == n && self.stack[n - 1].name == self.t;
            let run = &mut self.stack[i];
            let first = run.units == 0;
            run.units += 1;
            match inner.filter(|_| own_text) {
                Some((a, b)) if !first => (Edge::Split(a, run.el), Edge::Split(b, run.el)),
                Some((_, b)) => (Edge::Around(run.el), Edge::Split(b, run.el)),
                None => (Edge::Around(run.el), Edge::Around(run.el)),
            }
        } else {
            (
                Edge::Around(self.stack[i].el),
                Edge::Around(self.stack[i].el),
            )
        };
        self.out.paragraphs[ordinal].push(Unit {
            ch: c,
            start,
            end,
            outer,
        });
    }
}

/// The characters of a text event's raw XML, with their byte ranges in it: a line end
/// (`\r\n`, `\r`) reads as `\n`, as the reader reads it.
pub(super) fn chars(raw: &str) -> Vec<(usize, usize, char)> {
    let mut out = Vec::with_capacity(raw.len());
    let mut it = raw.char_indices().peekable();
    while let Some((at, c)) = it.next() {
        if c == '\r' {
            let end = match it.peek() {
                Some(&(n, '\n')) => {
                    it.next();
                    n + 1
                }
                _ => at + 1,
            };
            out.push((at, end, '\n'));
        } else {
            out.push((at, at + c.len_utf8(), c));
        }
    }
    out
}
