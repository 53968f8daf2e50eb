//! CPython-exact Mersenne Twister (MT19937) backing pyl's `random` module.
//!
//! Programs commonly call `random.seed(n)` and then rely on the exact sequence
//! of numbers they get (tests, golden outputs, reproducible simulations). To
//! be a faithful Python 3.11 subset, pyl must therefore produce *bit-identical*
//! results to CPython, not merely "a good PRNG". This module reimplements:
//!
//! * the C core from CPython's `Modules/_randommodule.c`: `init_genrand`,
//!   `init_by_array`, `genrand_uint32`, `random()` (the 53-bit
//!   `(a >> 5, b >> 6)` construction), `getrandbits(k)` and the state
//!   get/set used by `getstate()` / `setstate()`;
//! * the pure-Python algorithms from CPython 3.11's `Lib/random.py` that
//!   decide *how many* raw words are consumed and in which order:
//!   `_randbelow_with_getrandbits`, `shuffle`, `sample`, `choice`,
//!   `choices` (unweighted), `uniform`, `randrange` and `randint`.
//!
//! Seeding support: only integer seeds (CPython seeds an int by splitting
//! `abs(n)` into little-endian 32-bit words and calling `init_by_array`) and
//! `None` (OS entropy; see [`Mt19937::from_entropy`]). CPython's version-2
//! seeding of `str`/`bytes`/`bytearray` (via SHA-512) and the `hash()`-based
//! seeding of other objects are deliberately not supported here.
//!
//! Everything is plain Rust with no interpreter types, so the interpreter's
//! `random` module is a thin wrapper that converts arguments and maps the
//! returned error strings to `ValueError`.

use num_bigint::BigUint;
use num_traits::Zero;
use std::collections::hash_map::RandomState;
use std::collections::HashSet;
use std::hash::BuildHasher;

/// Number of 32-bit words in the MT19937 state.
pub const STATE_WORDS: usize = 624;
/// Offset of the "middle" word used by the twist.
const SHIFT_SIZE: usize = 397;
const MATRIX_A: u32 = 0x9908_b0df;
const UPPER_MASK: u32 = 0x8000_0000;
const LOWER_MASK: u32 = 0x7fff_ffff;

/// A Mersenne Twister generator whose every output matches CPython 3.11's
/// `random.Random` for the same integer seed and the same call sequence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mt19937 {
    state: [u32; STATE_WORDS],
    /// Index of the next state word to temper; `STATE_WORDS` means "twist
    /// before the next output" (CPython's `self->index`).
    index: usize,
}

impl Mt19937 {
    /// Creates a generator seeded like CPython's `random.seed(n)` for an int
    /// `n`, given `abs(n)` as little-endian 32-bit words.
    ///
    /// An empty slice (seed 0) behaves like `[0]`, and trailing zero words are
    /// ignored, because CPython only passes the words covering `abs(n)`'s bit
    /// length (but at least one) to `init_by_array`.
    pub fn from_u32_words(words: &[u32]) -> Self {
        let mut generator = Mt19937 {
            state: [0; STATE_WORDS],
            index: STATE_WORDS,
        };
        generator.seed_words(words);
        generator
    }

    /// Convenience for `random.seed(n)` with a machine-sized int (the sign is
    /// dropped, as CPython seeds with `abs(n)`).
    pub fn from_seed_i64(seed: i64) -> Self {
        let magnitude = seed.unsigned_abs();
        Self::from_u32_words(&[magnitude as u32, (magnitude >> 32) as u32])
    }

    /// Convenience for `random.seed(n)` with an arbitrary-size int; pass
    /// `abs(n)` (the caller drops the sign of a `BigInt`).
    pub fn from_seed_biguint(seed: &BigUint) -> Self {
        Self::from_u32_words(&seed.to_u32_digits())
    }

    /// Creates a generator for `random.seed(None)` / a fresh `Random()`.
    ///
    /// CPython reads 624 words from `urandom`. To avoid extra crates we mix
    /// the wall clock, the process id, a per-process counter and std's
    /// randomly keyed `RandomState` (which the OS seeds) through SipHash.
    /// The result is not reproducible, which is exactly what `None` means.
    pub fn from_entropy() -> Self {
        Self::from_u32_words(&entropy_words())
    }

    /// Re-seeds in place; same semantics as [`Mt19937::from_u32_words`].
    pub fn seed_words(&mut self, words: &[u32]) {
        // CPython's key length is derived from the bit length of abs(n), so
        // high zero words never reach init_by_array; mirror that so callers
        // may pass any representation of the same number.
        let used = words
            .iter()
            .rposition(|&word| word != 0)
            .map_or(0, |last| last + 1);
        if used == 0 {
            self.init_by_array(&[0]);
        } else {
            self.init_by_array(&words[..used]);
        }
    }

    /// Re-seeds from OS-ish entropy; same as [`Mt19937::from_entropy`].
    pub fn seed_from_entropy(&mut self) {
        self.seed_words(&entropy_words());
    }

    /// `init_genrand` from the reference implementation (used by
    /// `init_by_array` with the magic seed 19650218).
    fn init_genrand(&mut self, seed: u32) {
        self.state[0] = seed;
        for i in 1..STATE_WORDS {
            let previous = self.state[i - 1];
            self.state[i] = 1_812_433_253u32
                .wrapping_mul(previous ^ (previous >> 30))
                .wrapping_add(i as u32);
        }
        self.index = STATE_WORDS;
    }

    /// `init_by_array` from the reference implementation, exactly as CPython
    /// uses it (all arithmetic is modulo 2**32).
    fn init_by_array(&mut self, key: &[u32]) {
        debug_assert!(!key.is_empty());
        self.init_genrand(19_650_218);
        let mut i = 1usize;
        let mut j = 0usize;
        for _ in 0..STATE_WORDS.max(key.len()) {
            let previous = self.state[i - 1];
            self.state[i] = (self.state[i] ^ (previous ^ (previous >> 30)).wrapping_mul(1_664_525))
                .wrapping_add(key[j])
                .wrapping_add(j as u32);
            i += 1;
            j += 1;
            if i >= STATE_WORDS {
                self.state[0] = self.state[STATE_WORDS - 1];
                i = 1;
            }
            if j >= key.len() {
                j = 0;
            }
        }
        for _ in 0..STATE_WORDS - 1 {
            let previous = self.state[i - 1];
            self.state[i] = (self.state[i]
                ^ (previous ^ (previous >> 30)).wrapping_mul(1_566_083_941))
            .wrapping_sub(i as u32);
            i += 1;
            if i >= STATE_WORDS {
                self.state[0] = self.state[STATE_WORDS - 1];
                i = 1;
            }
        }
        // Guarantees a non-zero initial state.
        self.state[0] = 0x8000_0000;
    }

    /// Regenerates all 624 state words (the "twist").
    fn twist(&mut self) {
        let mag01 = |y: u32| if y & 1 == 0 { 0 } else { MATRIX_A };
        for kk in 0..STATE_WORDS {
            let y =
                (self.state[kk] & UPPER_MASK) | (self.state[(kk + 1) % STATE_WORDS] & LOWER_MASK);
            self.state[kk] = self.state[(kk + SHIFT_SIZE) % STATE_WORDS] ^ (y >> 1) ^ mag01(y);
        }
        self.index = 0;
    }

    /// `genrand_uint32`: the next raw tempered 32-bit output. This is also
    /// what `random.getrandbits(32)` returns.
    pub fn next_u32(&mut self) -> u32 {
        if self.index >= STATE_WORDS {
            self.twist();
        }
        let mut y = self.state[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^= y >> 18;
        y
    }

    /// `random.random()`: a float in [0.0, 1.0) built from 27 + 26 bits of
    /// two consecutive words, exactly as CPython's `random_random`.
    pub fn random(&mut self) -> f64 {
        let high = self.next_u32() >> 5;
        let low = self.next_u32() >> 6;
        (f64::from(high) * 67_108_864.0 + f64::from(low)) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// `random.getrandbits(k)` for any `k` (CPython rejects negative `k` with
    /// `ValueError("number of bits must be non-negative")`; the caller checks
    /// that before converting to `u32`). `k == 0` returns 0 without consuming
    /// any state, as in CPython 3.9+.
    pub fn getrandbits(&mut self, k: u32) -> BigUint {
        BigUint::new(self.getrandbits_words(k))
    }

    /// `random.getrandbits(k)` for `k <= 64`, without allocating.
    ///
    /// # Panics
    /// Panics if `k > 64` (a caller bug; use [`Mt19937::getrandbits`]).
    pub fn getrandbits_u64(&mut self, k: u32) -> u64 {
        assert!(k <= 64, "getrandbits_u64 called with k = {k} > 64");
        self.getrandbits_u128(k) as u64
    }

    /// Same word-consumption rules as [`Mt19937::getrandbits`], for `k <= 128`.
    fn getrandbits_u128(&mut self, k: u32) -> u128 {
        debug_assert!(k <= 128);
        self.getrandbits_words(k)
            .iter()
            .rev()
            .fold(0u128, |acc, &word| (acc << 32) | u128::from(word))
    }

    /// CPython's `_random_Random_getrandbits_impl`: words are produced
    /// least-significant first, and only the *last* (most significant) word
    /// is truncated, by dropping its low bits (`r >>= 32 - k`).
    fn getrandbits_words(&mut self, k: u32) -> Vec<u32> {
        if k == 0 {
            return Vec::new();
        }
        let word_count = (k - 1) / 32 + 1;
        let mut remaining = k;
        let mut words = Vec::with_capacity(word_count as usize);
        for _ in 0..word_count {
            let mut word = self.next_u32();
            if remaining < 32 {
                word >>= 32 - remaining;
            }
            words.push(word);
            remaining = remaining.saturating_sub(32);
        }
        words
    }

    /// CPython's `_randbelow_with_getrandbits(n)`: rejection sampling with
    /// `k = n.bit_length()` bits (not `(n-1).bit_length()`, so powers of two
    /// waste bits exactly like CPython does).
    ///
    /// `n` must be positive; for `n == 0` this returns 0 instead of looping
    /// forever as CPython's helper would (CPython never calls it with 0).
    pub fn randbelow(&mut self, n: u64) -> u64 {
        self.randbelow_u128(u128::from(n)) as u64
    }

    /// [`Mt19937::randbelow`] over `u128`, so `randrange`/`randint` can cover
    /// the full width of an `i64` range (up to 2**64 values).
    fn randbelow_u128(&mut self, n: u128) -> u128 {
        if n == 0 {
            return 0;
        }
        let bits = 128 - n.leading_zeros();
        loop {
            let candidate = self.getrandbits_u128(bits);
            if candidate < n {
                return candidate;
            }
        }
    }

    /// [`Mt19937::randbelow`] for arbitrary-size `n` (e.g. `randrange(10**30)`).
    /// Returns 0 for `n == 0`.
    pub fn randbelow_big(&mut self, n: &BigUint) -> BigUint {
        if n.is_zero() {
            return BigUint::zero();
        }
        let bits = u32::try_from(n.bits()).expect("randbelow_big: bound has more than 2**32 bits");
        loop {
            let candidate = self.getrandbits(bits);
            if &candidate < n {
                return candidate;
            }
        }
    }

    /// `random.shuffle(x)`: Fisher-Yates from the end, `j = _randbelow(i+1)`.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.randbelow(i as u64 + 1) as usize;
            items.swap(i, j);
        }
    }

    /// The permutation `random.shuffle(list(range(len)))` would produce.
    pub fn shuffle_indices(&mut self, len: usize) -> Vec<usize> {
        let mut indices: Vec<usize> = (0..len).collect();
        self.shuffle(&mut indices);
        indices
    }

    /// `random.sample(population, k)` (without `counts=`), returning indices
    /// into the population in selection order.
    ///
    /// CPython 3.11 picks between two algorithms by comparing the population
    /// size with an estimate of the memory a `set` of `k` items would need;
    /// the branches consume random numbers differently, so the same estimate
    /// (including its float `log`) is reproduced here.
    ///
    /// The error is CPython's `ValueError` message for `k > n` (a negative
    /// `k` cannot be represented here; the caller reports it with the same
    /// message).
    pub fn sample_indices(
        &mut self,
        population_len: usize,
        k: usize,
    ) -> Result<Vec<usize>, &'static str> {
        let n = population_len;
        if k > n {
            return Err("Sample larger than population or is negative");
        }
        let mut result = Vec::with_capacity(k);
        if (n as u128) <= sample_set_size(k) {
            // An n-length list is smaller than a k-length set.
            // Invariant: non-selected items are at pool[0 .. n - i].
            let mut pool: Vec<usize> = (0..n).collect();
            for i in 0..k {
                let j = self.randbelow((n - i) as u64) as usize;
                result.push(pool[j]);
                // Move the last non-selected item into the vacancy.
                pool[j] = pool[n - i - 1];
            }
        } else {
            let mut selected = HashSet::with_capacity(k);
            for _ in 0..k {
                let mut j = self.randbelow(n as u64) as usize;
                while selected.contains(&j) {
                    j = self.randbelow(n as u64) as usize;
                }
                selected.insert(j);
                result.push(j);
            }
        }
        Ok(result)
    }

    /// `random.choice(seq)` index: `_randbelow(len(seq))`. The caller must
    /// raise `IndexError('Cannot choose from an empty sequence')` for `len == 0`
    /// (this returns 0 then, without consuming state).
    pub fn choice_index(&mut self, len: usize) -> usize {
        self.randbelow(len as u64) as usize
    }

    /// One index of `random.choices(population, k=...)` without weights:
    /// CPython 3.11 uses `floor(random() * n)` there, *not* `_randbelow`, so
    /// it consumes two words per pick.
    pub fn choices_index(&mut self, len: usize) -> usize {
        (self.random() * len as f64).floor() as usize
    }

    /// `random.uniform(a, b)`: `a + (b - a) * random()`.
    pub fn uniform(&mut self, a: f64, b: f64) -> f64 {
        a + (b - a) * self.random()
    }

    /// `random.randrange(start, stop, step)` with CPython 3.11 semantics. The
    /// `Err` strings are the exact `ValueError` messages from `random.py`.
    pub fn randrange(&mut self, start: i64, stop: i64, step: i64) -> Result<i64, String> {
        // i128 keeps `stop - start` and the step arithmetic overflow-free for
        // every pair of i64 arguments.
        let (start, stop, step) = (i128::from(start), i128::from(stop), i128::from(step));
        let width = stop - start;
        if step == 1 {
            if width > 0 {
                return Ok(to_i64(start + self.randbelow_u128(width as u128) as i128));
            }
            return Err(format!(
                "empty range for randrange() ({start}, {stop}, {width})"
            ));
        }
        let count = match step {
            0 => return Err("zero step for randrange()".to_string()),
            s if s > 0 => (width + s - 1).div_euclid(s),
            s => (width + s + 1).div_euclid(s),
        };
        if count <= 0 {
            return Err("empty range for randrange()".to_string());
        }
        Ok(to_i64(
            start + step * self.randbelow_u128(count as u128) as i128,
        ))
    }

    /// The one-argument form `random.randrange(stop)`.
    pub fn randrange_stop(&mut self, stop: i64) -> Result<i64, String> {
        if stop > 0 {
            Ok(self.randbelow(stop as u64) as i64)
        } else {
            Err("empty range for randrange()".to_string())
        }
    }

    /// `random.randint(a, b)`, i.e. `randrange(a, b + 1)` (so an empty range
    /// reports `(a, b+1, width)` just like CPython).
    pub fn randint(&mut self, a: i64, b: i64) -> Result<i64, String> {
        if b == i64::MAX {
            // `b + 1` does not fit in i64; go straight to the unit-step path,
            // which is what randrange(a, b + 1) would take (width >= 1 here).
            let width = (i128::from(b) + 1 - i128::from(a)) as u128;
            return Ok(to_i64(i128::from(a) + self.randbelow_u128(width) as i128));
        }
        self.randrange(a, b + 1, 1)
    }

    /// `random.getstate()[1]`: the 624 state words followed by the index,
    /// which CPython exposes as the 625th tuple element.
    pub fn getstate(&self) -> Vec<u32> {
        let mut words = self.state.to_vec();
        words.push(self.index as u32);
        words
    }

    /// `random.setstate()` for the internal-state tuple (`getstate()[1]`),
    /// with CPython's `ValueError` messages. Values are taken modulo 2**32 by
    /// the caller, as CPython's C code truncates each element to `uint32_t`.
    pub fn setstate(&mut self, words: &[u64]) -> Result<(), &'static str> {
        if words.len() != STATE_WORDS + 1 {
            return Err("state vector is the wrong size");
        }
        let index = words[STATE_WORDS];
        if index > STATE_WORDS as u64 {
            return Err("invalid state");
        }
        for (slot, &word) in self.state.iter_mut().zip(words) {
            *slot = word as u32;
        }
        self.index = index as usize;
        Ok(())
    }
}

/// `random.sample`'s memory estimate: 21, plus `4 ** ceil(log(3k, 4))` when
/// `k > 5`. `math.log(x, 4)` is `log(x) / log(4)` in C doubles, reproduced
/// with the same libm calls so borderline `k` round identically.
fn sample_set_size(k: usize) -> u128 {
    let mut set_size: u128 = 21;
    if k > 5 {
        let exponent = ((k as f64 * 3.0).ln() / 4f64.ln()).ceil() as u32;
        set_size = set_size.saturating_add(4u128.checked_pow(exponent).unwrap_or(u128::MAX));
    }
    set_size
}

/// Narrows a value that is known to lie within an i64 range's bounds.
fn to_i64(value: i128) -> i64 {
    i64::try_from(value).expect("randrange result lies between two i64 bounds")
}

/// Sixteen 32-bit words of seed material for `seed(None)`.
fn entropy_words() -> Vec<u32> {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::{SystemTime, UNIX_EPOCH};
    // Distinguishes generators created within the same clock tick.
    static CALLS: AtomicU64 = AtomicU64::new(0);
    let call = CALLS.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos());
    let keyed = RandomState::new();
    let mut words = Vec::with_capacity(16);
    for round in 0u64..8 {
        let mixed = keyed.hash_one((nanos, std::process::id(), call, round));
        words.push(mixed as u32);
        words.push((mixed >> 32) as u32);
    }
    words
}

#[cfg(test)]
mod tests {
    //! Every expected value below was produced by CPython 3.11.7
    //! (`python3 -c 'import random; ...'`) and pasted verbatim.
    use super::*;

    fn seeded(seed: i64) -> Mt19937 {
        Mt19937::from_seed_i64(seed)
    }

    #[test]
    fn random_seed_42() {
        // random.seed(42); [random.random() for _ in range(5)]
        let mut rng = seeded(42);
        let expected = [
            0.6394267984578837,
            0.025010755222666936,
            0.27502931836911926,
            0.22321073814882275,
            0.7364712141640124,
        ];
        for value in expected {
            assert_eq!(rng.random(), value);
        }
    }

    #[test]
    fn crosses_several_twists() {
        // random.seed(42); 1000 x random(); then random(), getrandbits(32),
        // getstate()[1][-1]
        let mut rng = seeded(42);
        for _ in 0..1000 {
            rng.random();
        }
        assert_eq!(rng.random(), 0.09935462460613032);
        assert_eq!(rng.next_u32(), 2944974316);
        assert_eq!(rng.getstate()[624], 131);
    }

    #[test]
    fn raw_words_seed_42() {
        // [random.getrandbits(32) for _ in range(5)]
        let mut rng = seeded(42);
        let expected = [2746317213u32, 478163327, 107420369, 3184935163, 1181241943];
        for value in expected {
            assert_eq!(rng.next_u32(), value);
        }
    }

    #[test]
    fn seed_zero_and_empty_words() {
        let expected = [0.8444218515250481, 0.7579544029403025, 0.420571580830845];
        for mut rng in [
            seeded(0),
            Mt19937::from_u32_words(&[]),
            Mt19937::from_u32_words(&[0, 0]),
        ] {
            for value in expected {
                assert_eq!(rng.random(), value);
            }
        }
    }

    #[test]
    fn negative_seed_uses_absolute_value() {
        let expected = [0.6229016948897019, 0.7417869892607294, 0.7951935655656966];
        for mut rng in [seeded(-5), seeded(5), Mt19937::from_u32_words(&[5, 0, 0])] {
            for value in expected {
                assert_eq!(rng.random(), value);
            }
        }
    }

    #[test]
    fn multi_word_seeds() {
        // random.seed(2**100 + 7)
        let big = (BigUint::from(1u8) << 100u32) + BigUint::from(7u8);
        let mut rng = Mt19937::from_seed_biguint(&big);
        for value in [0.41604161323913513, 0.32676498245430574, 0.5566705938449678] {
            assert_eq!(rng.random(), value);
        }
        let mut same = Mt19937::from_u32_words(&[7, 0, 0, 16]);
        same.next_u32();
        same.next_u32();
        assert_eq!(same.random(), 0.32676498245430574);

        // random.seed(2**32)
        let mut rng = seeded(1 << 32);
        for value in [0.11299430095636409, 0.41782886486292836] {
            assert_eq!(rng.random(), value);
        }
    }

    #[test]
    fn getrandbits_various_widths() {
        // random.seed(42); getrandbits(70), (0), (1), (33), (64), (65)
        let mut rng = seeded(42);
        assert_eq!(rng.getrandbits(70).to_string(), "20500439928067422621");
        assert!(rng.getrandbits(0).is_zero());
        assert_eq!(rng.getrandbits_u64(1), 1);
        assert_eq!(rng.getrandbits_u64(33), 1181241943);
        assert_eq!(rng.getrandbits_u64(64), 2574020394472462046);
        assert_eq!(rng.getrandbits(65).to_string(), "20337446297558147241");

        // random.seed(42); getrandbits(0), (31), (96)
        let mut rng = seeded(42);
        assert_eq!(rng.getrandbits_u64(0), 0);
        assert_eq!(rng.getrandbits_u64(31), 1373158606);
        assert_eq!(
            rng.getrandbits(96).to_string(),
            "58751683843680781763019288959"
        );
    }

    #[test]
    fn randint_seed_42() {
        let mut rng = seeded(42);
        let got: Vec<i64> = (0..10).map(|_| rng.randint(1, 100).unwrap()).collect();
        assert_eq!(got, [82, 15, 4, 95, 36, 32, 29, 18, 95, 14]);
    }

    #[test]
    fn randint_full_i64_range() {
        // random.seed(1); randint(-2**63, 2**63-1) twice
        let mut rng = seeded(1);
        assert_eq!(rng.randint(i64::MIN, i64::MAX), Ok(4865782901354085936));
        assert_eq!(rng.randint(i64::MIN, i64::MAX), Ok(-7048155917072976836));
    }

    #[test]
    fn randrange_with_steps() {
        let mut rng = seeded(42);
        let got: Vec<i64> = (0..10).map(|_| rng.randrange(0, 100, 7).unwrap()).collect();
        assert_eq!(got, [70, 7, 0, 77, 28, 21, 21, 14, 77, 7]);

        let mut rng = seeded(42);
        let got: Vec<i64> = (0..10)
            .map(|_| rng.randrange(50, -50, -3).unwrap())
            .collect();
        assert_eq!(got, [29, 47, -1, 5, 8, 26, 32, 35, -31, 44]);

        // random.seed(3); [random.randrange(1000) for _ in range(5)]
        let mut rng = seeded(3);
        let got: Vec<i64> = (0..5).map(|_| rng.randrange_stop(1000).unwrap()).collect();
        assert_eq!(got, [243, 606, 557, 133, 378]);
    }

    #[test]
    fn randrange_error_messages() {
        let mut rng = seeded(0);
        let untouched = rng.clone();
        assert_eq!(
            rng.randrange(5, 5, 1).unwrap_err(),
            "empty range for randrange() (5, 5, 0)"
        );
        assert_eq!(
            rng.randrange(10, 0, 1).unwrap_err(),
            "empty range for randrange() (10, 0, -10)"
        );
        assert_eq!(
            rng.randrange(0, 10, 0).unwrap_err(),
            "zero step for randrange()"
        );
        assert_eq!(
            rng.randrange(0, 10, -1).unwrap_err(),
            "empty range for randrange()"
        );
        assert_eq!(
            rng.randrange(10, 0, 2).unwrap_err(),
            "empty range for randrange()"
        );
        assert_eq!(
            rng.randrange_stop(0).unwrap_err(),
            "empty range for randrange()"
        );
        assert_eq!(
            rng.randint(3, 1).unwrap_err(),
            "empty range for randrange() (3, 2, -1)"
        );
        assert_eq!(rng, untouched, "errors must not consume randomness");
    }

    #[test]
    fn big_randbelow() {
        // random.seed(1); randrange(10**30), randrange(2**64)
        let mut rng = seeded(1);
        let bound: BigUint = "1000000000000000000000000000000".parse().unwrap();
        assert_eq!(
            rng.randbelow_big(&bound).to_string(),
            "99436813185968347955962756036"
        );
        let two_64 = BigUint::from(1u8) << 64u32;
        assert_eq!(
            rng.randbelow_big(&two_64).to_string(),
            "14037279428536751483"
        );

        // random.seed(2**100 + 7); randrange(3**80)
        let mut rng = Mt19937::from_u32_words(&[7, 0, 0, 16]);
        let bound = BigUint::from(3u8).pow(80);
        assert_eq!(
            rng.randbelow_big(&bound).to_string(),
            "91021584233288841729053130914864935948"
        );
    }

    #[test]
    fn shuffle_range_10() {
        let mut rng = seeded(42);
        let mut items: Vec<i32> = (0..10).collect();
        rng.shuffle(&mut items);
        assert_eq!(items, [7, 3, 2, 8, 5, 6, 9, 4, 0, 1]);
        assert_eq!(
            seeded(42).shuffle_indices(10),
            [7, 3, 2, 8, 5, 6, 9, 4, 0, 1]
        );
    }

    #[test]
    fn sample_set_branch() {
        // n = 100 > setsize 21: selected-set algorithm.
        assert_eq!(
            seeded(42).sample_indices(100, 5).unwrap(),
            [81, 14, 3, 94, 35]
        );
        assert_eq!(
            seeded(42).sample_indices(1_000_000, 10).unwrap(),
            [670487, 116739, 26225, 777572, 288389, 256787, 234053, 146316, 772246, 107473]
        );
        // n = 22 with k = 5: set branch with frequent collisions (re-draws).
        let mut rng = seeded(11);
        let expected = [
            [14, 17, 16, 18, 6],
            [5, 16, 15, 20, 19],
            [5, 3, 14, 9, 4],
            [2, 17, 20, 1, 19],
        ];
        for row in expected {
            assert_eq!(rng.sample_indices(22, 5).unwrap(), row);
        }
    }

    #[test]
    fn sample_pool_branch() {
        assert_eq!(
            seeded(42).sample_indices(10, 9).unwrap(),
            [1, 0, 4, 9, 6, 5, 8, 2, 3]
        );
        assert_eq!(
            seeded(42).sample_indices(30, 30).unwrap(),
            [
                20, 3, 0, 23, 8, 7, 24, 4, 28, 17, 2, 18, 13, 1, 27, 16, 21, 29, 25, 9, 15, 11, 12,
                5, 6, 22, 26, 10, 14, 19
            ]
        );
        assert_eq!(
            seeded(7).sample_indices(60, 20).unwrap(),
            [20, 9, 25, 41, 3, 4, 52, 34, 6, 23, 37, 55, 32, 13, 2, 5, 27, 26, 54, 15]
        );
    }

    #[test]
    fn sample_branch_boundary() {
        // k = 6 gives setsize 85: n = 85 uses the pool, n = 86 the set.
        assert_eq!(sample_set_size(6), 85);
        assert_eq!(sample_set_size(5), 21);
        assert_eq!(sample_set_size(22), 277);
        assert_eq!(sample_set_size(5461), 16405);
        assert_eq!(sample_set_size(5462), 65557);
        assert_eq!(sample_set_size(1_000_000), 4194325);
        let mut rng = seeded(11);
        assert_eq!(rng.sample_indices(85, 6).unwrap(), [57, 71, 59, 84, 65, 75]);
        assert_eq!(rng.sample_indices(86, 6).unwrap(), [24, 23, 65, 60, 80, 78]);
    }

    #[test]
    fn sample_errors_and_edges() {
        let mut rng = seeded(1);
        assert_eq!(
            rng.sample_indices(3, 4).unwrap_err(),
            "Sample larger than population or is negative"
        );
        assert_eq!(rng.sample_indices(0, 0).unwrap(), Vec::<usize>::new());
        assert_eq!(rng, seeded(1));
    }

    #[test]
    fn choice_choices_uniform() {
        // random.seed(12345); [random.choice("abcdefghij") for _ in range(10)]
        let letters = b"abcdefghij";
        let mut rng = seeded(12345);
        let picked: String = (0..10)
            .map(|_| letters[rng.choice_index(10)] as char)
            .collect();
        assert_eq!(picked, "gaefdejgcf");

        // random.seed(3); random.choices(range(10), k=8)
        let mut rng = seeded(3);
        let got: Vec<usize> = (0..8).map(|_| rng.choices_index(10)).collect();
        assert_eq!(got, [2, 5, 3, 6, 6, 0, 0, 8]);

        let mut rng = seeded(12345);
        for value in [2.2285232474984413, -3.3601739199653102, 7.8465895022389684] {
            assert_eq!(rng.uniform(-3.5, 10.25), value);
        }
    }

    #[test]
    fn state_round_trip() {
        // random.seed(99); s = random.getstate()[1]; s[:3], s[-1]
        let rng = seeded(99);
        let state = rng.getstate();
        assert_eq!(state.len(), 625);
        assert_eq!(&state[..3], &[2147483648, 4037907767, 529252037]);
        assert_eq!(state[624], 624);

        let mut original = seeded(42);
        original.random();
        let snapshot: Vec<u64> = original.getstate().into_iter().map(u64::from).collect();
        let mut restored = seeded(0);
        restored.setstate(&snapshot).unwrap();
        assert_eq!(restored.random(), original.random());

        assert_eq!(
            restored.setstate(&snapshot[..624]),
            Err("state vector is the wrong size")
        );
        let mut bad = snapshot.clone();
        bad[624] = 625;
        assert_eq!(restored.setstate(&bad), Err("invalid state"));
    }

    #[test]
    fn entropy_seeds_differ() {
        let mut first = Mt19937::from_entropy();
        let mut second = Mt19937::from_entropy();
        let a: Vec<u32> = (0..4).map(|_| first.next_u32()).collect();
        let b: Vec<u32> = (0..4).map(|_| second.next_u32()).collect();
        assert_ne!(a, b);
        let mut reseeded = seeded(1);
        reseeded.seed_from_entropy();
        assert_ne!(reseeded, seeded(1));
    }
}
