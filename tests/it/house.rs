//! House rules, checked on the repository's own sources:
//!
//! - `no_source_file_is_longer_than_the_limit`: no `*.rs` file under src/ or tests/ has more
//!   than [`MAX_LINES`] lines, except the generated or data-table files listed in
//!   [`LONG_FILES_ALLOWED`].
//! - `only_the_binary_prints`: no `println!`, `eprintln!`, `print!` or `eprint!` in the library:
//!   only src/main.rs, src/bin/ and src/cli/ (the binary) may write to the terminal; the library
//!   returns text or writes to the writer it is given. Comments and string literals do not
//!   count.
//! - `no_import_cycle_between_library_modules`: the top-level modules of the library (a folder
//!   `src/X/` or a file `src/X.rs`; not main.rs, bin/ or cli/) depend on each other without a
//!   cycle. Module X depends on Y when a file of X names `crate::Y` (in a `use` or a path,
//!   groups `crate::{Y, Z}` included, and names src/lib.rs re-exports from Y); `super::` paths
//!   stay inside X and are not counted. Unit tests are not part of the library's structure:
//!   the test-support module `testing`, files named `tests.rs` and a file's trailing
//!   `#[cfg(test)] mod tests` are left out.
//!
//! - `the_module_map_names_every_source_file`: docs/architecture.md names every file of src/
//!   (as its path from src/, e.g. `search/matches.rs`), and every such path it names exists.
//!
//! The unit tests below check the line counting, the print finder and the cycle finder on small
//! examples.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

use crate::util::root;

/// The most lines a source file may have.
const MAX_LINES: usize = 800;

/// Generated or data-table files that may be longer than [`MAX_LINES`], as paths from the
/// crate root (`src/…`).
const LONG_FILES_ALLOWED: &[&str] = &[];

/// Where the binary lives: the only places allowed to print.
const BINARY: &[&str] = &["src/main.rs", "src/bin/", "src/cli/"];

#[test]
fn no_source_file_is_longer_than_the_limit() {
    let mut long = Vec::new();
    for dir in ["src", "tests"] {
        for file in rust_files(&root().join(dir)) {
            let name = relative(&file);
            let lines = line_count(&std::fs::read_to_string(&file).unwrap());
            if lines > MAX_LINES && !LONG_FILES_ALLOWED.contains(&name.as_str()) {
                long.push(format!("{name}: {lines} lines"));
            }
        }
    }
    assert!(
        long.is_empty(),
        "files over {MAX_LINES} lines (split them, or list a generated file in \
         LONG_FILES_ALLOWED):\n{}",
        long.join("\n")
    );
}

#[test]
fn only_the_binary_prints() {
    let mut found = Vec::new();
    for file in rust_files(&root().join("src")) {
        let name = relative(&file);
        if BINARY.iter().any(|b| name.starts_with(b)) {
            continue;
        }
        for (line, call) in prints(&std::fs::read_to_string(&file).unwrap()) {
            found.push(format!("{name}:{line}: {call}!"));
        }
    }
    assert!(
        found.is_empty(),
        "the library prints (return the text, or write to a writer the caller gives):\n{}",
        found.join("\n")
    );
}

#[test]
fn no_import_cycle_between_library_modules() {
    let src = root().join("src");
    let mut modules: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if path.is_dir() && !["bin", "cli"].contains(&name.as_str()) {
            let files = rust_files(&path).into_iter();
            let files = files.filter(|f| !f.ends_with("tests.rs"));
            modules.entry(name).or_default().extend(files);
        } else if path.extension().is_some_and(|e| e == "rs")
            && !["main", "lib", "testing"].contains(&&*name)
        {
            modules.entry(name).or_default().push(path);
        }
    }
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    let reexports = reexports(&lib);
    let mut places: BTreeMap<(String, String), String> = BTreeMap::new();
    for (module, files) in &modules {
        for file in files {
            let text = std::fs::read_to_string(file).unwrap();
            for (line, name) in crate_refs(without_unit_tests(&text)) {
                let target = reexports.get(&name).unwrap_or(&name);
                if target != module && modules.contains_key(target) {
                    places
                        .entry((module.clone(), target.clone()))
                        .or_insert_with(|| format!("{}:{line}", relative(file)));
                }
            }
        }
    }
    let graph = graph(places.keys().cloned());
    if let Some(cycle) = find_cycle(&graph) {
        let steps: Vec<String> = cycle
            .windows(2)
            .map(|w| {
                let at = &places[&(w[0].clone(), w[1].clone())];
                format!("  {} → {} (first at {at})", w[0], w[1])
            })
            .collect();
        panic!(
            "import cycle between library modules: {}\n{}",
            cycle.join(" → "),
            steps.join("\n")
        );
    }
}

#[test]
fn the_module_map_names_every_source_file() {
    let doc = std::fs::read_to_string(root().join("docs/architecture.md")).unwrap();
    let src = root().join("src");
    let files: Vec<String> = rust_files(&src)
        .iter()
        .map(|f| {
            f.strip_prefix(&src)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    let unnamed: Vec<&String> = files
        .iter()
        .filter(|f| !doc.contains(&format!("`{f}`")))
        .collect();
    assert!(
        unnamed.is_empty(),
        "docs/architecture.md does not name these files of src/: {unnamed:?}"
    );
    static PATH: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"`([a-z_]+(?:/[a-z_]+)*\.rs)`").unwrap());
    let missing: Vec<&str> = PATH
        .captures_iter(&doc)
        .map(|c| c.get(1).unwrap().as_str())
        .filter(|p| !src.join(p).exists() && !root().join(p).exists())
        .collect();
    assert!(
        missing.is_empty(),
        "docs/architecture.md names files that src/ does not have: {missing:?}"
    );
}

/// A source file without its trailing unit tests (`#[cfg(test)] mod tests { … }`).
fn without_unit_tests(text: &str) -> &str {
    text.find("#[cfg(test)]\nmod tests")
        .map_or(text, |i| &text[..i])
}

/// The `*.rs` files under `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}

/// `path` from the crate root, with `/` separators.
fn relative(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/")
}

/// The number of lines of a text: a last line without a line break counts, an empty text has
/// none.
fn line_count(text: &str) -> usize {
    text.lines().count()
}

/// The code of a Rust source with its comments and the contents of its string and character
/// literals blanked out (replaced by spaces, line breaks kept, so that lines keep their numbers).
fn code_only(src: &str) -> String {
    let c: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < c.len() {
        let after_ident = i > 0 && (c[i - 1].is_alphanumeric() || c[i - 1] == '_');
        let end = if c[i..].starts_with(&['/', '/']) {
            c[i..]
                .iter()
                .position(|&x| x == '\n')
                .map_or(c.len(), |p| i + p)
        } else if c[i..].starts_with(&['/', '*']) {
            block_comment_end(&c, i)
        } else if let Some(end) = raw_string_end(&c, i).filter(|_| !after_ident) {
            end
        } else if c[i] == '"' {
            string_end(&c, i + 1)
        } else if c[i] == '\'' {
            char_end(&c, i)
        } else {
            out.push(c[i]);
            i += 1;
            continue;
        };
        out.extend(
            c[i..end]
                .iter()
                .map(|&x| if x == '\n' { '\n' } else { ' ' }),
        );
        i = end;
    }
    out
}

/// The end of the block comment opening at `i` (comments nest in Rust).
fn block_comment_end(c: &[char], mut i: usize) -> usize {
    let mut depth = 0;
    while i < c.len() {
        if c[i..].starts_with(&['/', '*']) {
            depth += 1;
            i += 2;
        } else if c[i..].starts_with(&['*', '/']) {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    c.len()
}

/// The end of the raw string literal (`r"…"`, `r#"…"#`, `br"…"`, `cr"…"`) starting at `i`, if
/// one starts there.
fn raw_string_end(c: &[char], i: usize) -> Option<usize> {
    let mut j = i;
    if matches!(c.get(j), Some('b' | 'c')) {
        j += 1;
    }
    if c.get(j) != Some(&'r') {
        return None;
    }
    j += 1;
    let hashes = c[j..].iter().take_while(|&&x| x == '#').count();
    j += hashes;
    if c.get(j) != Some(&'"') {
        return None;
    }
    j += 1;
    while j < c.len() {
        if c[j] == '"'
            && c[j + 1..]
                .iter()
                .take(hashes)
                .filter(|&&x| x == '#')
                .count()
                == hashes
        {
            return Some(j + 1 + hashes);
        }
        j += 1;
    }
    Some(c.len())
}

/// The end of the string literal whose contents start at `i` (after the opening quote).
fn string_end(c: &[char], mut i: usize) -> usize {
    while i < c.len() {
        match c[i] {
            '\\' => i += 2,
            '"' => return i + 1,
            _ => i += 1,
        }
    }
    c.len()
}

/// The end of the character literal at `i`, or `i + 1` when the quote starts a lifetime.
fn char_end(c: &[char], i: usize) -> usize {
    if c.get(i + 1) == Some(&'\\') {
        // An escape: the escaped character, then up to the closing quote ('\u{…}').
        return c[(i + 3).min(c.len())..]
            .iter()
            .position(|&x| x == '\'')
            .map_or(c.len(), |p| i + 3 + p + 1);
    }
    if c.get(i + 2) == Some(&'\'') {
        return i + 3;
    }
    i + 1
}

/// The printing macros called in a source, with their line numbers (from 1).
fn prints(src: &str) -> Vec<(usize, String)> {
    static PRINT: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?:^|[^\w])(e?print(?:ln)?)\s*!").unwrap());
    let code = code_only(src);
    PRINT
        .captures_iter(&code)
        .map(|m| {
            let at = m.get(1).unwrap();
            (line_of(&code, at.start()), at.as_str().to_string())
        })
        .collect()
}

/// The top-level modules a source names through `crate::`, with the line of each naming.
fn crate_refs(src: &str) -> Vec<(usize, String)> {
    static CRATE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?:^|[^\w])crate\s*::\s*").unwrap());
    let code = code_only(src);
    let mut out = Vec::new();
    for m in CRATE.find_iter(&code) {
        let line = line_of(&code, m.end());
        let rest = &code[m.end()..];
        let names = if let Some(group) = rest.strip_prefix('{') {
            group_items(group)
                .into_iter()
                .filter_map(|item| leading_ident(item))
                .collect()
        } else {
            leading_ident(rest).into_iter().collect::<Vec<_>>()
        };
        for name in names {
            if name != "self" {
                out.push((line, name.to_string()));
            }
        }
    }
    out
}

/// The items of a `{…}` group of a `use`, `text` starting just after the opening brace.
fn group_items(text: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (k, ch) in text.char_indices() {
        match ch {
            '{' => depth += 1,
            '}' if depth == 0 => {
                items.push(&text[start..k]);
                return items;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&text[start..k]);
                start = k + 1;
            }
            _ => {}
        }
    }
    items
}

/// The identifier `text` starts with, spaces aside.
fn leading_ident(text: &str) -> Option<&str> {
    let text = text.trim_start();
    let end = text
        .find(|ch: char| !(ch.is_alphanumeric() || ch == '_'))
        .unwrap_or(text.len());
    let ident = &text[..end];
    (!ident.is_empty() && !ident.starts_with(|ch: char| ch.is_ascii_digit())).then_some(ident)
}

/// The names src/lib.rs re-exports (`pub use Y::…;`), each with its module Y.
fn reexports(lib: &str) -> BTreeMap<String, String> {
    static USE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"pub\s+use\s+(\w+)\s*::([^;]*);").unwrap());
    let code = code_only(lib);
    let mut out = BTreeMap::new();
    for m in USE.captures_iter(&code) {
        for name in use_leaves(&m[2]) {
            out.insert(name, m[1].to_string());
        }
    }
    out
}

/// The names a `use` tree brings in: the last segment of each path, or its `as` alias.
fn use_leaves(tree: &str) -> Vec<String> {
    let tree = tree.trim();
    if let Some(open) = tree.find('{') {
        let inner = &tree[open + 1..];
        return group_items(inner)
            .into_iter()
            .flat_map(use_leaves)
            .collect();
    }
    let name = match tree.split_once(" as ") {
        Some((_, alias)) => alias.trim(),
        None => tree.rsplit("::").next().unwrap().trim(),
    };
    if name.is_empty() || name == "*" || name == "self" {
        Vec::new()
    } else {
        vec![name.to_string()]
    }
}

/// The line (from 1) of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset].matches('\n').count() + 1
}

/// The graph of these edges, without the edges from a node to itself.
fn graph(edges: impl IntoIterator<Item = (String, String)>) -> BTreeMap<String, BTreeSet<String>> {
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, to) in edges {
        if from != to {
            g.entry(to.clone()).or_default();
            g.entry(from).or_default().insert(to);
        }
    }
    g
}

/// A cycle of the graph, as its nodes with the first one repeated at the end (`a b c a`), or
/// `None` when the graph has no cycle. Depth-first, in name order, so the same graph always
/// gives the same cycle.
fn find_cycle(g: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        OnPath,
        Done,
    }
    fn visit<'a>(
        node: &'a str,
        g: &'a BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<&'a str, State>,
        path: &mut Vec<&'a str>,
    ) -> Option<Vec<String>> {
        state.insert(node, State::OnPath);
        path.push(node);
        for next in g.get(node).into_iter().flatten() {
            match state.get(next.as_str()).copied().unwrap_or(State::New) {
                State::OnPath => {
                    let from = path.iter().position(|n| n == next).unwrap();
                    let mut cycle: Vec<String> =
                        path[from..].iter().map(|n| n.to_string()).collect();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                State::New => {
                    if let Some(cycle) = visit(next, g, state, path) {
                        return Some(cycle);
                    }
                }
                State::Done => {}
            }
        }
        path.pop();
        state.insert(node, State::Done);
        None
    }
    let mut state = BTreeMap::new();
    for node in g.keys() {
        if state.get(node.as_str()).copied().unwrap_or(State::New) == State::New
            && let Some(cycle) = visit(node, g, &mut state, &mut Vec::new())
        {
            return Some(cycle);
        }
    }
    None
}

#[test]
fn line_count_counts_a_last_line_without_a_break() {
    for (text, lines) in [
        ("", 0),
        ("a", 1),
        ("a\n", 1),
        ("a\nb", 2),
        ("a\nb\n", 2),
        ("\n\n", 2),
        ("a\r\nb\r\n", 2),
    ] {
        assert_eq!(line_count(text), lines, "{text:?}");
    }
    let exactly = "x\n".repeat(MAX_LINES);
    assert_eq!(line_count(&exactly), MAX_LINES);
    assert_eq!(line_count(&(exactly + "y")), MAX_LINES + 1);
}

#[test]
fn code_only_blanks_comments_and_literals_and_keeps_lines() {
    for (src, words) in [
        ("let a = \"x // y\"; // c", &["let", "a", "=", ";"][..]),
        ("/* a /* nested */ still */ b", &["b"]),
        ("let s = r##\"q \"# x\"## ;", &["let", "s", "=", ";"]),
        ("'x' '\\'' '\\u{1F600}' '\"' &'a str", &["&", "a", "str"]),
        ("br\"z\" b\"w\" c\"v\" x", &["b", "c", "x"]),
        ("\"a \\\" b\" z", &["z"]),
        ("r#type", &["r#type"]),
    ] {
        let code = code_only(src);
        assert_eq!(code.chars().count(), src.chars().count(), "{src}");
        assert_eq!(code.split_whitespace().collect::<Vec<_>>(), words, "{src}");
    }
    let code = code_only("a\n\"x\ny\"\n/*\n*/b");
    assert_eq!(code.lines().nth(4), Some("  b"));
}

#[test]
fn prints_are_found_in_code_only() {
    let one = |line: usize, call: &str| vec![(line, call.to_string())];
    assert_eq!(prints("println!(\"x\");"), one(1, "println"));
    assert_eq!(prints("    eprint !(\"{}\", 1);"), one(1, "eprint"));
    assert_eq!(prints("std::println!();"), one(1, "println"));
    assert_eq!(
        prints("fn f<'a>(x: &'a str) { print!(\"{x}\") }"),
        one(1, "print")
    );
    assert_eq!(prints("a\n\nx.then(|| eprintln!())"), one(3, "eprintln"));
    for quiet in [
        "// println!(\"no\")",
        "/// Never call `eprintln!` here.",
        "let s = \"println!\";",
        "writeln!(out, \"x\")?; write!(o, \"y\")?;",
        "my_println!();",
        "/* print!() */",
    ] {
        assert_eq!(prints(quiet), [], "{quiet}");
    }
}

#[test]
fn crate_refs_read_paths_groups_and_reexports() {
    let at = |list: &[(usize, &str)]| -> Vec<(usize, String)> {
        list.iter().map(|(l, n)| (*l, n.to_string())).collect()
    };
    assert_eq!(
        crate_refs("use crate::engine::Options;"),
        at(&[(1, "engine")])
    );
    assert_eq!(
        crate_refs("use crate::{compile::{A, B}, document, self};"),
        at(&[(1, "compile"), (1, "document")])
    );
    assert_eq!(
        crate_refs("use crate::{\n    a,\n    b::c,\n};\nlet x = crate :: report :: f();"),
        at(&[(1, "a"), (1, "b"), (5, "report")])
    );
    assert_eq!(crate_refs("$crate::fold::f()"), at(&[(1, "fold")]));
    for none in [
        "// crate::nope",
        "use super::lang;",
        "pub(crate) fn f() {}",
        "let s = \"crate::x\";",
        "mycrate::x::y()",
    ] {
        assert_eq!(crate_refs(none), [], "{none}");
    }
    let r = reexports(
        "pub mod engine;\npub use compile::suggest;\npub use engine::{Finding, verdict::Status as S};\n// pub use lang::x;\n",
    );
    let r: Vec<(&str, &str)> = r.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(
        r,
        [
            ("Finding", "engine"),
            ("S", "engine"),
            ("suggest", "compile")
        ]
    );
}

#[test]
fn find_cycle_finds_a_cycle_and_only_a_cycle() {
    let cycle = |edges: &[(&str, &str)]| {
        find_cycle(&graph(
            edges.iter().map(|(a, b)| (a.to_string(), b.to_string())),
        ))
    };
    let some = |nodes: &[&str]| Some(nodes.iter().map(|n| n.to_string()).collect::<Vec<_>>());
    assert_eq!(
        cycle(&[("a", "b"), ("b", "c"), ("c", "a")]),
        some(&["a", "b", "c", "a"])
    );
    // A path into a cycle: the cycle alone.
    assert_eq!(
        cycle(&[("a", "b"), ("b", "c"), ("c", "b")]),
        some(&["b", "c", "b"])
    );
    assert_eq!(
        cycle(&[("a", "b"), ("x", "y"), ("y", "x")]),
        some(&["x", "y", "x"])
    );
    // A diamond, a chain, a module naming itself, nothing: no cycle.
    assert_eq!(
        cycle(&[("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")]),
        None
    );
    assert_eq!(cycle(&[("a", "b"), ("b", "c"), ("a", "c")]), None);
    assert_eq!(cycle(&[("a", "a")]), None);
    assert_eq!(cycle(&[]), None);
}
