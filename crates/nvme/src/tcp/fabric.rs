//! Fabrics commands the TCP transport issues itself: Connect (per queue)
//! and Property Get/Set (register access), as submission queue entries.

use crate::spec::cmd::{Cmd, SglDescriptor};
use crate::spec::fabrics::{
    FabricConnectCmd, FabricConnectData, FabricPropGetCmd, FabricPropSetCmd, PropAttrib,
};
use crate::spec::Pod;

const OPC_FABRIC: u8 = 0x7f;
const FCTYPE_PROPERTY_SET: u8 = 0x00;
const FCTYPE_CONNECT: u8 = 0x01;
const FCTYPE_PROPERTY_GET: u8 = 0x04;
/// `SPDK_NVMF_PROP_SIZE_4` / `_8`.
const PROP_SIZE_4: u8 = 0;
const PROP_SIZE_8: u8 = 1;
/// Controller ID of an admin queue Connect: any (dynamic model).
pub const CNTLID_DYNAMIC: u16 = 0xffff;

fn to_cmd<T: Pod>(v: &T) -> Cmd {
    Cmd::read_from(v.as_bytes()).unwrap_or_default()
}

/// Copies `s` into a NUL-terminated field; Err when it does not fit.
fn put_str(dst: &mut [u8], s: &str) -> Result<(), i32> {
    let b = s.as_bytes();
    if b.len() >= dst.len() || b.contains(&0) {
        return Err(-libc::EINVAL);
    }
    dst[..b.len()].copy_from_slice(b);
    Ok(())
}

/// Connect for queue `qid` of `sqsize` entries; its 1024-byte data names
/// the host and the subsystem (`cntlid`: [`CNTLID_DYNAMIC`] for the admin
/// queue, the controller's ID for I/O queues).
pub fn connect(
    qid: u16,
    sqsize: u32,
    kato_ms: u32,
    cntlid: u16,
    hostid: &[u8; 16],
    subnqn: &str,
    hostnqn: &str,
) -> Result<(Cmd, Box<FabricConnectData>), i32> {
    let c = FabricConnectCmd {
        opcode: OPC_FABRIC,
        fctype: FCTYPE_CONNECT,
        sgl1: SglDescriptor::in_capsule(0, size_of::<FabricConnectData>() as u32),
        recfmt: 0,
        qid,
        // 0's based.
        sqsize: u16::try_from(sqsize.saturating_sub(1)).map_err(|_| -libc::EINVAL)?,
        // Keep alive is the admin queue's.
        kato: if qid == 0 { kato_ms } else { 0 },
        ..Default::default()
    };
    let mut d: Box<FabricConnectData> = Box::new(Pod::zeroed());
    d.hostid = *hostid;
    d.cntlid = cntlid;
    put_str(&mut d.subnqn, subnqn)?;
    put_str(&mut d.hostnqn, hostnqn)?;
    Ok((to_cmd(&c), d))
}

/// Property Get of a 4- or 8-byte register at `ofst`; the value comes
/// back in CDW0 (and CDW1).
pub fn prop_get(ofst: u32, size8: bool) -> Cmd {
    let c = FabricPropGetCmd {
        opcode: OPC_FABRIC,
        fctype: FCTYPE_PROPERTY_GET,
        attrib: PropAttrib(0).with_size(if size8 { PROP_SIZE_8 } else { PROP_SIZE_4 }),
        ofst,
        ..Default::default()
    };
    to_cmd(&c)
}

/// Property Set of a 4- or 8-byte register at `ofst`.
pub fn prop_set(ofst: u32, value: u64, size8: bool) -> Cmd {
    let c = FabricPropSetCmd {
        opcode: OPC_FABRIC,
        fctype: FCTYPE_PROPERTY_SET,
        attrib: PropAttrib(0).with_size(if size8 { PROP_SIZE_8 } else { PROP_SIZE_4 }),
        ofst,
        value,
        ..Default::default()
    };
    to_cmd(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_forms() {
        let (c, d) = connect(3, 128, 10_000, 7, &[9; 16], "nqn.s", "nqn.h").unwrap();
        let b = c.as_bytes();
        assert_eq!((b[0], b[4]), (0x7f, 1));
        assert_eq!(&b[42..44], &3u16.to_le_bytes());
        assert_eq!(&b[44..46], &127u16.to_le_bytes());
        assert_eq!(&b[48..52], &[0; 4], "no KATO on an I/O queue");
        assert_eq!(c.dptr.sgl1().desc.length(), 1024);
        assert_eq!({ d.cntlid }, 7);
        assert_eq!(&d.subnqn[..6], b"nqn.s\0");
        assert_eq!(&d.hostnqn[..6], b"nqn.h\0");
        assert!(connect(0, 32, 0, CNTLID_DYNAMIC, &[0; 16], &"x".repeat(256), "h").is_err());

        let g = prop_get(0x1c, false);
        assert_eq!((g.as_bytes()[4], g.as_bytes()[40]), (4, 0));
        assert_eq!(&g.as_bytes()[44..48], &0x1cu32.to_le_bytes());
        let s = prop_set(0x14, 0x460001, false);
        assert_eq!(s.as_bytes()[4], 0);
        assert_eq!(&s.as_bytes()[48..56], &0x460001u64.to_le_bytes());
        assert_eq!(prop_get(0, true).as_bytes()[40], 1);
    }
}
