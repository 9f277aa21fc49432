//! A resizable array of bits, stored in 64-bit words.
//!
//! Bits past the capacity read as 0 and are always kept 0 in storage, so
//! counting and searching never have to mask the last word. The largest
//! capacity is `u32::MAX - 1`: `u32::MAX` is the "not found" answer of the
//! searches.

use std::collections::TryReserveError;

const WORD_BITS: u32 = 64;

/// Answer of the searches when no bit matches.
pub const NOT_FOUND: u32 = u32::MAX;

/// Why a bit array could not be sized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResizeError {
    /// `u32::MAX` bits were asked for.
    TooLarge,
    /// The memory could not be allocated.
    NoMemory,
}

impl From<TryReserveError> for ResizeError {
    fn from(_: TryReserveError) -> Self {
        ResizeError::NoMemory
    }
}

/// A bit array; see the module documentation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BitArray {
    bits: u32,
    words: Vec<u64>,
}

fn words_for(bits: u32) -> usize {
    bits.div_ceil(WORD_BITS) as usize
}

impl BitArray {
    /// An array of `bits` cleared bits.
    pub fn new(bits: u32) -> Result<BitArray, ResizeError> {
        let mut ba = BitArray::default();
        ba.resize(bits)?;
        Ok(ba)
    }

    /// Number of bits the array holds.
    pub fn capacity(&self) -> u32 {
        self.bits
    }

    /// Changes the capacity to `bits`. Bits below both the old and the new
    /// capacity keep their value; bits that are added are cleared. On
    /// failure the array is unchanged.
    pub fn resize(&mut self, bits: u32) -> Result<(), ResizeError> {
        if bits == u32::MAX {
            return Err(ResizeError::TooLarge);
        }
        let n = words_for(bits);
        if n > self.words.len() {
            self.words.try_reserve_exact(n - self.words.len())?;
        }
        // Clear whatever lies past the new end before it can become
        // visible again through a later growth.
        self.words.resize(n, 0);
        let tail = bits % WORD_BITS;
        if tail != 0 {
            if let Some(last) = self.words.last_mut() {
                *last &= (1u64 << tail) - 1;
            }
        }
        self.words.shrink_to(n);
        self.bits = bits;
        Ok(())
    }

    /// The value of bit `index`; false past the capacity.
    pub fn get(&self, index: u32) -> bool {
        index < self.bits
            && self.words[(index / WORD_BITS) as usize] & (1 << (index % WORD_BITS)) != 0
    }

    /// Sets bit `index` to 1; `false` (and nothing changed) past the
    /// capacity.
    pub fn set(&mut self, index: u32) -> bool {
        if index >= self.bits {
            return false;
        }
        self.words[(index / WORD_BITS) as usize] |= 1 << (index % WORD_BITS);
        true
    }

    /// Clears bit `index`; nothing happens past the capacity.
    pub fn clear(&mut self, index: u32) {
        if index < self.bits {
            self.words[(index / WORD_BITS) as usize] &= !(1 << (index % WORD_BITS));
        }
    }

    /// Assigns bit `index` (ignored past the capacity).
    pub fn assign(&mut self, index: u32, value: bool) {
        if value {
            self.set(index);
        } else {
            self.clear(index);
        }
    }

    /// Index of the first bit at or after `start` whose value is `value`,
    /// or [`NOT_FOUND`].
    fn find_first(&self, start: u32, value: bool) -> u32 {
        if start >= self.bits {
            return NOT_FOUND;
        }
        let flip = if value { 0 } else { u64::MAX };
        let first = (start / WORD_BITS) as usize;
        for (i, &w) in self.words.iter().enumerate().skip(first) {
            let mut w = w ^ flip;
            if i == first {
                w &= u64::MAX << (start % WORD_BITS);
            }
            if w != 0 {
                let index = i as u64 * u64::from(WORD_BITS) + u64::from(w.trailing_zeros());
                // A clear bit found past the end is not a real one.
                return if index < u64::from(self.bits) {
                    index as u32
                } else {
                    NOT_FOUND
                };
            }
        }
        NOT_FOUND
    }

    /// Index of the first 1 bit at or after `start`, or [`NOT_FOUND`].
    pub fn find_first_set(&self, start: u32) -> u32 {
        self.find_first(start, true)
    }

    /// Index of the first 0 bit at or after `start`, or [`NOT_FOUND`].
    pub fn find_first_clear(&self, start: u32) -> u32 {
        self.find_first(start, false)
    }

    /// Number of 1 bits.
    pub fn count_set(&self) -> u32 {
        self.words.iter().map(|w| w.count_ones()).sum()
    }

    /// Number of 0 bits below the capacity.
    pub fn count_clear(&self) -> u32 {
        self.bits - self.count_set()
    }

    /// Number of bytes a mask of this array spans: one per 8 bits, rounded
    /// up.
    pub fn mask_len(&self) -> usize {
        self.bits.div_ceil(8) as usize
    }

    /// Writes the bits into `mask` (bit `i % 8` of byte `i / 8` for bit
    /// `i`). In a last, partial byte only the bits below the capacity are
    /// written; the others keep their value. `mask` must be at least
    /// [`mask_len`](Self::mask_len) bytes; extra bytes are untouched.
    pub fn store_mask(&self, mask: &mut [u8]) {
        let full = (self.bits / 8) as usize;
        for (i, byte) in mask.iter_mut().take(full).enumerate() {
            *byte = (self.words[i / 8] >> ((i % 8) * 8)) as u8;
        }
        let rest = self.bits % 8;
        if rest != 0 {
            if let Some(byte) = mask.get_mut(full) {
                for bit in 0..rest {
                    let m = 1u8 << bit;
                    if self.get(full as u32 * 8 + bit) {
                        *byte |= m;
                    } else {
                        *byte &= !m;
                    }
                }
            }
        }
    }

    /// Sets every bit from `mask` (the layout of
    /// [`store_mask`](Self::store_mask)); bits of a last partial byte past
    /// the capacity are ignored.
    pub fn load_mask(&mut self, mask: &[u8]) {
        for (i, &byte) in mask.iter().take(self.mask_len()).enumerate() {
            for bit in 0..8 {
                self.assign(i as u32 * 8 + bit, byte & (1 << bit) != 0);
            }
        }
    }

    /// Clears every bit.
    pub fn clear_all(&mut self) {
        self.words.iter_mut().for_each(|w| *w = 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basics() {
        let mut ba = BitArray::new(100).unwrap();
        assert_eq!(ba.capacity(), 100);
        assert_eq!(ba.count_set(), 0);
        assert_eq!(ba.count_clear(), 100);
        assert!(ba.set(0));
        assert!(ba.set(99));
        assert!(!ba.set(100));
        assert!(ba.get(99) && !ba.get(100) && !ba.get(u32::MAX));
        assert_eq!(ba.count_set(), 2);
        ba.clear(99);
        ba.clear(1000);
        assert!(!ba.get(99));
        assert!(BitArray::new(u32::MAX).is_err());
        let empty = BitArray::new(0).unwrap();
        assert_eq!(empty.find_first_set(0), NOT_FOUND);
        assert_eq!(empty.find_first_clear(0), NOT_FOUND);
    }

    #[test]
    fn searches() {
        let mut ba = BitArray::new(130).unwrap();
        assert_eq!(ba.find_first_set(0), NOT_FOUND);
        assert_eq!(ba.find_first_clear(0), 0);
        assert_eq!(ba.find_first_clear(129), 129);
        assert_eq!(ba.find_first_clear(130), NOT_FOUND);
        ba.set(70);
        ba.set(129);
        assert_eq!(ba.find_first_set(0), 70);
        assert_eq!(ba.find_first_set(70), 70);
        assert_eq!(ba.find_first_set(71), 129);
        assert_eq!(ba.find_first_set(130), NOT_FOUND);
        for i in 0..130 {
            ba.set(i);
        }
        assert_eq!(ba.find_first_clear(0), NOT_FOUND);
        ba.clear(64);
        assert_eq!(ba.find_first_clear(3), 64);
        assert_eq!(ba.find_first_clear(65), NOT_FOUND);
        // Full array whose size is a whole number of words.
        let mut ba = BitArray::new(128).unwrap();
        (0..128).for_each(|i| {
            ba.set(i);
        });
        assert_eq!(ba.find_first_clear(0), NOT_FOUND);
    }

    #[test]
    fn resize_clears() {
        let mut ba = BitArray::new(70).unwrap();
        (0..70).for_each(|i| {
            ba.set(i);
        });
        ba.resize(66).unwrap();
        assert_eq!(ba.count_set(), 66);
        ba.resize(10).unwrap();
        assert_eq!(ba.count_set(), 10);
        ba.resize(200).unwrap();
        assert_eq!(ba.count_set(), 10);
        assert_eq!(ba.find_first_clear(0), 10);
        assert_eq!(ba.find_first_set(10), NOT_FOUND);
        ba.resize(0).unwrap();
        assert_eq!(ba.count_set(), 0);
        assert_eq!(ba.resize(u32::MAX), Err(ResizeError::TooLarge));
        assert_eq!(ba.capacity(), 0);
    }

    #[test]
    fn masks() {
        let mut ba = BitArray::new(21).unwrap();
        for i in [0, 9, 17, 20] {
            ba.set(i);
        }
        let mut mask = [0xffu8; 4];
        ba.store_mask(&mut mask);
        assert_eq!(mask, [0x01, 0x02, 0xf2, 0xff]);
        let mut other = BitArray::new(21).unwrap();
        other.load_mask(&[0x01, 0x02, 0xff]);
        assert_eq!(other.count_set(), 2 + 5);
        other.load_mask(&mask);
        assert_eq!(other, ba);
        other.clear_all();
        assert_eq!(other.count_set(), 0);
        let mut big = BitArray::new(200).unwrap();
        big.set(199);
        big.set(64);
        let mut m = [0u8; 25];
        big.store_mask(&mut m);
        assert_eq!(m[8], 1);
        assert_eq!(m[24], 0x80);
        let mut back = BitArray::new(200).unwrap();
        back.load_mask(&m);
        assert_eq!(back, big);
    }
}
