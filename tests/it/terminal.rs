//! What the human output does for a terminal: columns counted in characters, long lines shown
//! as a window around the finding, lines wrapped to the terminal's width, colours only on a
//! terminal.

use crate::util::tl;

/// An output file never gets colour escapes, whatever `--color` says; standard output gets
/// them with `--color always`.
#[test]
fn colours_never_go_into_an_output_file() {
    let dir = tempfile::tempdir().unwrap();
    for color in ["auto", "always"] {
        let file = dir.path().join(format!("out-{color}.log"));
        tl().env_remove("NO_COLOR")
            .args([
                "check",
                "fixtures/objet-activite",
                "--format",
                "human",
                "--color",
                color,
                "-o",
            ])
            .arg(&file)
            .assert()
            .code(1);
        let written = std::fs::read(&file).unwrap();
        assert!(!written.is_empty());
        assert!(
            !written.contains(&0x1b),
            "--color {color}: escape codes in the file"
        );
    }
    let out = tl()
        .env_remove("NO_COLOR")
        .args([
            "check",
            "fixtures/objet-activite",
            "--format",
            "human",
            "--color",
            "always",
        ])
        .output()
        .unwrap();
    assert!(
        out.stdout.contains(&0x1b),
        "--color always: no colour on standard output"
    );
}
