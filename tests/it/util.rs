//! Helpers shared by the integration tests.

/// A small deterministic random generator (a linear congruential one: no dependency needed).
pub struct Lcg(pub u64);

impl Lcg {
    /// The next 31 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    /// A number below `n`.
    #[allow(dead_code)] // not every test file that includes this module uses it
    pub fn below(&mut self, n: usize) -> usize {
        self.next() as usize % n
    }
}
