//! The Rust view of C bitfields: a newtype over the integer that holds
//! them, with one getter and one `with_` builder per field, and a table of
//! the fields (`FIELDS`) from which the C-against-Rust check
//! (capi-tests/nvme_spec_bits.c) is generated.
//!
//! Bit positions are those of the ABIs we support (x86-64 and aarch64,
//! little endian): the first C bitfield takes the least significant bits.
//! That is also the order of the NVMe specification's bit numbers.

/// One bitfield: its C member name (a path below the C object that holds
/// the word, when it is not simply the Rust name), least significant bit
/// and width.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub lsb: u32,
    pub width: u32,
}

/// Declares a bitfield word:
///
/// ```ignore
/// bitfields! {
///     /// CC register.
///     pub struct Cc(u32) {
///         en / with_en: 0, 1;          // getter / builder: lsb, width
///         reserved1: 1, 3;             // listed in FIELDS, no accessors
///         css / with_css: 4, 3;
///         crit_warn / with_crit_warn: 0, 8 => "crit_warn.raw";   // C name
///     }
/// }
/// ```
///
/// Getters return the field right-aligned; builders mask the value to the
/// field's width. An optional `packed(N)` after the type lowers the
/// alignment to that of the C type (a struct of narrower bitfields).
macro_rules! bitfields {
    (
        $(#[$meta:meta])*
        pub struct $name:ident($t:ty) { $($body:tt)* }
    ) => {
        bitfields!(@def [transparent] $(#[$meta])* $name $t { $($body)* });
    };
    (
        $(#[$meta:meta])*
        pub struct $name:ident($t:ty) packed($pack:literal) { $($body:tt)* }
    ) => {
        bitfields!(@def [C, packed($pack)] $(#[$meta])* $name $t { $($body)* });
    };
    (@def [$($repr:tt)*] $(#[$meta:meta])* $name:ident $t:ty {
        $(
            $(#[$fmeta:meta])*
            $f:ident $(/ $with:ident)? : $lsb:literal, $width:literal $(=> $cname:literal)?;
        )*
    }) => {
        $(#[$meta])*
        #[repr($($repr)*)]
        #[derive(Clone, Copy, Default, PartialEq, Eq, Hash, Debug)]
        pub struct $name(pub $t);

        impl $name {
            /// The fields, for the C-against-Rust layout check.
            pub const FIELDS: &'static [$crate::spec::bits::Field] = &[
                $($crate::spec::bits::Field {
                    name: bitfields!(@cname $f $(, $cname)?),
                    lsb: $lsb,
                    width: $width,
                },)*
            ];

            /// The raw word.
            #[inline]
            pub const fn raw(self) -> $t {
                self.0
            }

            #[allow(dead_code)]
            const fn mask(width: u32) -> $t {
                if width >= <$t>::BITS {
                    <$t>::MAX
                } else {
                    ((1 as $t) << width) - 1
                }
            }

            $(bitfields!(@acc $t; $(#[$fmeta])* $f $(/ $with)? : $lsb, $width);)*
        }

        #[allow(clippy::int_plus_one)]
        const _: () = {
            $(assert!($lsb + $width <= <$t>::BITS, "bitfield outside its word");)*
        };

        unsafe impl $crate::spec::Pod for $name {}
    };
    (@acc $t:ty; $(#[$fmeta:meta])* $f:ident / $with:ident : $lsb:literal, $width:literal) => {
        $(#[$fmeta])*
        #[inline]
        pub const fn $f(self) -> $t {
            (self.0 >> $lsb) & Self::mask($width)
        }

        #[doc = concat!("This word with `", stringify!($f), "` set to `v` (masked to its width).")]
        #[inline]
        #[must_use]
        pub const fn $with(self, v: $t) -> Self {
            let m = Self::mask($width) << $lsb;
            Self((self.0 & !m) | ((v << $lsb) & m))
        }
    };
    (@acc $t:ty; $(#[$fmeta:meta])* $f:ident : $lsb:literal, $width:literal) => {};
    (@cname $f:ident) => { stringify!($f) };
    (@cname $f:ident, $c:literal) => { $c };
}

#[cfg(test)]
mod tests {
    bitfields! {
        /// A test word.
        pub struct W(u32) {
            a / with_a: 0, 1;
            reserved: 1, 3;
            b / with_b: 4, 4;
            c / with_c: 8, 24 => "x.c";
        }
    }

    bitfields! {
        /// A full-width field.
        pub struct Full(u64) {
            all / with_all: 0, 64;
        }
    }

    #[test]
    fn getters_and_builders() {
        let w = W(0).with_a(1).with_b(0xf).with_c(0xab_cdef);
        assert_eq!(w.0, 0xabcd_eff1);
        assert_eq!((w.a(), w.b(), w.c()), (1, 0xf, 0xab_cdef));
        // Builders mask the value and leave the other fields alone.
        let w = w.with_b(0x1_0003);
        assert_eq!(w.b(), 3);
        assert_eq!(w.0, 0xabcd_ef31);
        assert_eq!(w.with_a(0).0, 0xabcd_ef30);
        assert_eq!(Full(0).with_all(u64::MAX).all(), u64::MAX);
        assert_eq!(Full::FIELDS.len(), Full(7).raw() as usize - 6);
        assert_eq!(w.raw(), w.0);
    }

    #[test]
    fn fields_table() {
        assert_eq!(W::FIELDS.len(), 4);
        assert_eq!(W::FIELDS[1].name, "reserved");
        assert_eq!(W::FIELDS[3].name, "x.c");
        assert_eq!((W::FIELDS[3].lsb, W::FIELDS[3].width), (8, 24));
    }
}
