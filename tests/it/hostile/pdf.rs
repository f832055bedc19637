//! PDFs that attack the reader: a library panic, forms that draw themselves or nest deep,
//! drawings multiplied a hundred million times, streams that unpack to gigabytes. Each is
//! refused with its reason; the same shapes within the limits are read.

use super::{check, checked_documents, error_for, setup};
use crate::util::root;

/// Found by `scripts/fuzz.sh` (read_pdf): an input that makes the PDF library panic. The panic
/// is caught inside the reader and becomes a clear error for that file.
#[test]
fn a_pdf_that_panics_the_pdf_library_is_a_clear_error() {
    let dir = setup();
    std::fs::create_dir(dir.path().join("pdf")).unwrap();
    std::fs::copy(
        root().join("tests/hostile/pdf-extract-panic.pdf"),
        dir.path().join("pdf/CCTP.pdf"),
    )
    .unwrap();
    let (v, stderr, code) = check(dir.path(), &["."]);
    assert_eq!(code, 2);
    assert_eq!(
        error_for(&v, "CCTP.pdf")["message"],
        "the PDF cannot be read: its structure is not supported"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// A PDF of one page from the bodies of its objects 4…n (1: catalog, 2: pages, 3: the page,
/// whose content is object 5 and whose resources are `resources`; 4: a font).
fn pdf(resources: &str, rest: &[Vec<u8>]) -> Vec<u8> {
    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R /Resources << /Font << /F1 4 0 R >> {resources} >> >>").into_bytes(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
    ];
    objects.extend(rest.iter().cloned());
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend(body);
        out.extend(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn pdf_stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut s = format!("<< /Length {} {dict} >>\nstream\n", data.len()).into_bytes();
    s.extend(data);
    s.extend(b"\nendstream");
    s
}

/// A form XObject drawing `content`, with these XObjects in its resources.
fn pdf_form(xobjects: &str, content: &str) -> Vec<u8> {
    pdf_stream(
        &format!(
            "/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> /XObject << {xobjects} >> >>"
        ),
        content.as_bytes(),
    )
}

const PDF_TEXT: &str = "BT /F1 12 Tf 72 720 Td (Prestation d'insertion) Tj ET\n";

/// A zlib stream of `chunk` repeated `times` times, made without compressing it all: one
/// fully flushed deflate block of the chunk (self-contained), repeated, then the final block
/// and the checksum (zlib's `adler32_combine`, once per repetition).
fn zlib_repeated(chunk: &[u8], times: usize) -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress};
    let mut c = Compress::new(Compression::best(), false);
    let mut block = Vec::with_capacity(chunk.len());
    c.compress_vec(chunk, &mut block, FlushCompress::Full)
        .unwrap();
    assert_eq!(c.total_in() as usize, chunk.len());
    let mut fin = Vec::with_capacity(64);
    c.compress_vec(&[], &mut fin, FlushCompress::Finish)
        .unwrap();
    const BASE: u64 = 65521;
    let (mut a, mut b) = (1u64, 0u64);
    for &x in chunk {
        a = (a + u64::from(x)) % BASE;
        b = (b + a) % BASE;
    }
    let (chunk_a, chunk_b, rem) = (a, b, chunk.len() as u64 % BASE);
    let (mut sum_a, mut sum_b) = (1u64, 0u64);
    for _ in 0..times {
        let a = (sum_a + chunk_a + BASE - 1) % BASE;
        let b = (rem * sum_a + sum_b + chunk_b + BASE - rem) % BASE;
        (sum_a, sum_b) = (a, b);
    }
    let mut out = vec![0x78, 0xda];
    for _ in 0..times {
        out.extend(&block);
    }
    out.extend(&fin);
    out.extend((((sum_b << 16) | sum_a) as u32).to_be_bytes());
    out
}

/// Writes the hostile PDFs the next test checks into `d`: forms that draw themselves, forms
/// nested too deep, streams that unpack too far or draw too much.
fn write_hostile_pdfs(d: &std::path::Path) {
    // A form that draws itself: drawn by recursion, it would overflow the stack.
    let cycle = pdf(
        "/XObject << /X1 6 0 R >>",
        &[
            pdf_stream("", format!("{PDF_TEXT}/X1 Do\n").as_bytes()),
            pdf_form("/X1 6 0 R", "/X1 Do\n"),
        ],
    );
    std::fs::write(d.join("boucle.pdf"), cycle).unwrap();
    // The same through a name written with an escape, and two forms drawing each other.
    let pair = pdf(
        "/XObject << /X1 6 0 R >>",
        &[
            pdf_stream("", b"/X#31 Do\n"),
            pdf_form("/X2 7 0 R", "/X2 Do\n"),
            pdf_form("/X1 6 0 R", "q /X1 Do Q\n"),
        ],
    );
    std::fs::write(d.join("paire.pdf"), pair).unwrap();
    // Forms nested 40 deep, without a loop.
    let mut forms = Vec::new();
    for k in 0..40 {
        forms.push(if k == 39 {
            pdf_form("", PDF_TEXT)
        } else {
            pdf_form(
                &format!("/X{} {} 0 R", k + 1, 7 + k),
                &format!("/X{} Do\n", k + 1),
            )
        });
    }
    let mut objects = vec![pdf_stream("", b"/X0 Do\n")];
    objects.extend(forms);
    std::fs::write(
        d.join("profond.pdf"),
        pdf("/XObject << /X0 6 0 R >>", &objects),
    )
    .unwrap();
    // Forms drawing forms ten times each, eight levels: 10^8 drawings of a line of text.
    let mut objects = vec![pdf_stream("", b"/X8 Do\n"), pdf_form("", PDF_TEXT)];
    for k in 1..=8 {
        objects.push(pdf_form(
            &format!("/X{} {} 0 R", k - 1, 6 + k - 1),
            &format!("/X{} Do\n", k - 1).repeat(10),
        ));
    }
    std::fs::write(
        d.join("multiplie.pdf"),
        pdf("/XObject << /X8 14 0 R >>", &objects),
    )
    .unwrap();
    // 6 GB of zeros in a 6 MB file; 1 GB of text operators in a 1 MB one.
    let zeros = zlib_repeated(&vec![0; 1 << 20], 6 << 10);
    std::fs::write(
        d.join("zeros.pdf"),
        pdf("", &[pdf_stream("/Filter /FlateDecode", &zeros)]),
    )
    .unwrap();
    let ops = zlib_repeated(&b"(abcdefgh) Tj\n".repeat(1 << 16), 1 << 10);
    std::fs::write(
        d.join("operateurs.pdf"),
        pdf("", &[pdf_stream("/Filter /FlateDecode", &ops)]),
    )
    .unwrap();
    // 20 MB of text operators: within what a PDF may unpack, past what its pages may draw.
    let dense = zlib_repeated(&b"(abcdefgh) Tj\n".repeat(1 << 16), 20);
    std::fs::write(
        d.join("dense.pdf"),
        pdf("", &[pdf_stream("/Filter /FlateDecode", &dense)]),
    )
    .unwrap();
}

#[test]
fn hostile_pdfs_are_refused_one_by_one_and_the_run_goes_on() {
    let dir = setup();
    let d = dir.path().join("pdf");
    std::fs::create_dir(&d).unwrap();
    write_hostile_pdfs(&d);
    let (v, stderr, code) = check(dir.path(), &["."]);
    assert_eq!(code, 2);
    let loop_msg = "the PDF cannot be read: a form draws itself (a loop)";
    for (file, msg) in [
        ("boucle.pdf", loop_msg),
        ("paire.pdf", loop_msg),
        (
            "profond.pdf",
            "the PDF cannot be read: its forms are nested more than 32 levels deep",
        ),
        (
            "multiplie.pdf",
            "the content the PDF's pages draw is more than 16 MB: the document is too large or is a decompression bomb",
        ),
        (
            "dense.pdf",
            "the content the PDF's pages draw is more than 16 MB: the document is too large or is a decompression bomb",
        ),
        (
            "zeros.pdf",
            "the PDF unpacks to more than 64 MB: the document is too large or is a decompression bomb",
        ),
        (
            "operateurs.pdf",
            "the PDF unpacks to more than 64 MB: the document is too large or is a decompression bomb",
        ),
    ] {
        assert_eq!(error_for(&v, file)["message"], msg, "{file}");
        assert!(stderr.contains(&format!("pdf/{file}")), "{stderr}");
    }
    // Within the limits, the same shapes are read: forms drawing forms, once each.
    std::fs::create_dir(dir.path().join("pdf-ok")).unwrap();
    let mut objects = vec![pdf_stream("", b"/X2 Do\n"), pdf_form("", PDF_TEXT)];
    for k in 1..=2 {
        objects.push(pdf_form(
            &format!("/X{} {} 0 R", k - 1, 6 + k - 1),
            &format!("/X{} Do\n", k - 1).repeat(3),
        ));
    }
    std::fs::write(
        dir.path().join("pdf-ok/CCTP.pdf"),
        pdf("/XObject << /X2 8 0 R >>", &objects),
    )
    .unwrap();
    let (v, _, _) = check(dir.path(), &["bon", "pdf-ok"]);
    assert!(checked_documents(&v).contains(&"pdf-ok/CCTP.pdf"), "{v}");
}
