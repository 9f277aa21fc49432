//! Discovery over NVMe/TCP: connect to a discovery controller, enable it,
//! and read the discovery log page (log 0x70) consistently: header, then
//! the records, then the header again; a changed generation counter means
//! the log moved underneath and the read starts over.

use super::ctrlr::{TcpCtrlr, TcpCtrlrOpts};
use crate::spec::fabrics::DiscoveryLogPageEntry;
use crate::spec::Pod;
use crate::transport::CtrlrTransport;

/// Discovery log page identifier.
pub const LOG_DISCOVERY: u8 = 0x70;
/// Header of the log page; records follow it.
const HEADER: usize = 1024;
const ENTRY: usize = size_of::<DiscoveryLogPageEntry>();
/// Records read per Get Log Page command.
const PER_READ: usize = 4;
/// Most records we accept (a malicious count must not exhaust memory).
pub const MAX_RECORDS: u64 = 4096;
/// Reads restarted on a generation change before giving up.
const RETRIES: u32 = 10;

fn header(c: &mut TcpCtrlr) -> Result<(u64, u64), i32> {
    let mut h = [0u8; HEADER];
    c.get_log_page(LOG_DISCOVERY, 0, 0, &mut h)?;
    let genctr = u64::from_le_bytes(h[0..8].try_into().unwrap_or_default());
    let numrec = u64::from_le_bytes(h[8..16].try_into().unwrap_or_default());
    Ok((genctr, numrec))
}

/// Reads the whole discovery log of a connected, enabled discovery
/// controller.
pub fn read_log(c: &mut TcpCtrlr) -> Result<Vec<DiscoveryLogPageEntry>, i32> {
    for _ in 0..RETRIES {
        let (genctr, numrec) = header(c)?;
        if numrec > MAX_RECORDS {
            spdk_log::errlog!(
                "NVMe/TCP discovery: {} records announced, more than {} accepted",
                numrec,
                MAX_RECORDS
            );
            return Err(-libc::EOVERFLOW);
        }
        let n = numrec as usize;
        let mut out = Vec::with_capacity(n);
        let mut buf = vec![0u8; PER_READ * ENTRY];
        while out.len() < n {
            let k = (n - out.len()).min(PER_READ);
            let off = (HEADER + out.len() * ENTRY) as u64;
            c.get_log_page(LOG_DISCOVERY, 0, off, &mut buf[..k * ENTRY])?;
            for i in 0..k {
                out.push(DiscoveryLogPageEntry::read_from(&buf[i * ENTRY..]).ok_or(-libc::EIO)?);
            }
        }
        if header(c)?.0 == genctr {
            return Ok(out);
        }
    }
    spdk_log::errlog!("NVMe/TCP discovery: the log kept changing while read");
    Err(-libc::EAGAIN)
}

/// Connects to the discovery controller `opts` names (its subsystem NQN
/// is normally [`crate::DISCOVERY_NQN`]), reads its log and disconnects.
pub fn discover(opts: &TcpCtrlrOpts) -> Result<Vec<DiscoveryLogPageEntry>, i32> {
    let mut o = opts.clone();
    // A discovery controller needs no keep alive for one read (as SPDK).
    o.kato_ms = 0;
    let mut c = TcpCtrlr::new(o)?;
    let _admin = c.create_admin_qpair(32)?;
    c.enable()?;
    let r = read_log(&mut c);
    c.destruct();
    r
}

/// A field of a log entry as text: up to the first NUL, trailing spaces
/// removed (TRADDR and TRSVCID are space padded).
pub fn entry_str(field: &[u8]) -> String {
    let end = field.iter().position(|&b| b == 0).unwrap_or(field.len());
    String::from_utf8_lossy(&field[..end])
        .trim_end()
        .to_string()
}
