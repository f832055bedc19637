//! The rule parser, the compiler and the engine on one DCE (about 200 KB of Markdown, built in
//! memory from the phrases of the benchmark corpus), with the embedded MIQ pack. Run with
//! `cargo bench --bench engine`; the corpus-level comparison with the peers is bench/compare.sh.

use std::collections::HashMap;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use tenderlint::compile;
use tenderlint::document::{Document, Format, Tender};
use tenderlint::engine::{Options, check_tender};
use tenderlint::fold::fold;
use tenderlint::packs;

fn dce() -> String {
    let article = "## Article {n} – Encadrement technique et accompagnement\n\n\
        Le titulaire assure l’insertion professionnelle de demandeurs d’emploi de longue durée et \
        de bénéficiaires du RSA résidant en QPV. L’encadrement technique est assuré par un \
        encadrant pour 8 salariés ; l’accompagnement socioprofessionnel par un conseiller en \
        insertion professionnelle. Le volume est de 12 000 heures d’insertion, avec 60 % de \
        sorties dynamiques. Les données à caractère personnel sont traitées conformément au \
        RGPD. Un comité de pilotage se réunit chaque trimestre et un bilan annuel est remis.\n\n";
    let mut s = String::from("# CCTP – Marché d’insertion et de qualification\n\n");
    let mut n = 1;
    while s.len() < 200_000 {
        s.push_str(&article.replace("{n}", &n.to_string()));
        n += 1;
    }
    s
}

fn benches(c: &mut Criterion) {
    let sources = packs::builtin();
    c.bench_function("parser: MIQ pack", |b| {
        b.iter(|| {
            for src in &sources {
                for f in &src.files {
                    let _ = tenderlint::lang::parse(f);
                }
            }
        })
    });
    c.bench_function("compiler: MIQ pack", |b| {
        b.iter(|| compile::compile(&sources, &HashMap::new()))
    });
    let (rules, errors) = compile::compile(&sources, &HashMap::new());
    assert!(errors.is_empty());
    let text = dce();
    c.bench_function("reader: Markdown, 200 KB", |b| {
        b.iter(|| {
            Document::from_text(
                Path::new("cctp.md"),
                "cctp.md",
                Format::Markdown,
                text.clone(),
            )
        })
    });
    let doc = Document::from_text(
        Path::new("cctp.md"),
        "cctp.md",
        Format::Markdown,
        text.clone(),
    );
    c.bench_function("fold: 200 KB", |b| b.iter(|| fold(&doc.text, &doc.content)));
    let opts = Options::default();
    c.bench_function("engine: MIQ pack on one 200 KB DCE", |b| {
        b.iter(|| {
            check_tender(
                &rules,
                Tender::from_documents("t", vec![doc.clone()]),
                &opts,
            )
        })
    });
}

criterion_group!(engine, benches);
criterion_main!(engine);
