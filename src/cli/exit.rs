//! Exit statuses, decided here and nowhere else.

use tenderlint::pipeline::Run;

/// No finding of level error.
pub const CLEAN: u8 = 0;
/// At least one finding of level error (or a failing rule example).
pub const FINDINGS: u8 = 1;
/// Usage error, invalid rule file or unreadable input.
pub const TROUBLE: u8 = 2;

/// The status of a command that has nothing to fail on but its inputs.
pub fn inputs(run: &Run) -> u8 {
    if run.has_input_errors() {
        TROUBLE
    } else {
        CLEAN
    }
}
