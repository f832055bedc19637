//! Helpers shared by the unit tests.

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
