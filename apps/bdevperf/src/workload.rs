//! The `-w` I/O patterns, with SPDK's names.

/// SPDK's list, as its messages print it.
pub const PATTERN_TYPES: &str =
    "(read, write, randread, randwrite, rw, randrw, verify, reset, unmap, flush, write_zeroes)";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Workload {
    Read,
    Write,
    RandRead,
    RandWrite,
    Rw,
    RandRw,
    Verify,
    Reset,
    Unmap,
    Flush,
    WriteZeroes,
}

const ALL: [Workload; 11] = [
    Workload::Read,
    Workload::Write,
    Workload::RandRead,
    Workload::RandWrite,
    Workload::Rw,
    Workload::RandRw,
    Workload::Verify,
    Workload::Reset,
    Workload::Unmap,
    Workload::Flush,
    Workload::WriteZeroes,
];

impl Workload {
    pub fn parse(s: &str) -> Option<Workload> {
        ALL.into_iter().find(|w| w.name() == s)
    }

    pub fn name(self) -> &'static str {
        match self {
            Workload::Read => "read",
            Workload::Write => "write",
            Workload::RandRead => "randread",
            Workload::RandWrite => "randwrite",
            Workload::Rw => "rw",
            Workload::RandRw => "randrw",
            Workload::Verify => "verify",
            Workload::Reset => "reset",
            Workload::Unmap => "unmap",
            Workload::Flush => "flush",
            Workload::WriteZeroes => "write_zeroes",
        }
    }

    /// rw and randrw: reads and writes mixed by the `-M` percentage.
    pub fn mixed(self) -> bool {
        matches!(self, Workload::Rw | Workload::RandRw)
    }

    pub fn random(self) -> bool {
        matches!(
            self,
            Workload::RandRead | Workload::RandWrite | Workload::RandRw
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for w in ALL {
            assert_eq!(Workload::parse(w.name()), Some(w));
            assert!(PATTERN_TYPES.contains(w.name()));
        }
        assert_eq!(Workload::parse("nope"), None);
    }
}
