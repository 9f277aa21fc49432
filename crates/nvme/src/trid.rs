//! Transport IDs and host IDs: SPDK's `key:value` text form, the transport
//! and address family names, and the ordering of transport IDs.
//!
//! The functions work on the C layout types of [`crate::ffi::nvme`], which
//! are plain data; the C entry points only check their pointers.

use core::ffi::{c_char, c_int};
use std::ffi::CStr;

use crate::ffi::nvme::{
    spdk_nvme_host_id, spdk_nvme_transport_id, spdk_nvme_transport_type as T,
    SPDK_NVMF_PRIORITY_MAX_LEN,
};
use crate::ffi::nvme_util::spdk_nvme_trid_entry;
use crate::ffi::nvmf_spec::{
    spdk_nvmf_adrfam as A, SPDK_NVMF_NQN_MAX_LEN, SPDK_NVMF_TRADDR_MAX_LEN,
    SPDK_NVMF_TRSTRING_MAX_LEN, SPDK_NVMF_TRSVCID_MAX_LEN,
};

/// A key must fit a 32-byte buffer with its terminator.
const KEY_BUF: usize = 32;
/// A value must fit a 1024-byte buffer with its terminator.
const VAL_BUF: usize = 1024;

const WHITESPACE: &[u8] = b" \t\n";

/// The text of a C string field: the bytes before its first NUL (all of
/// them when the field has none).
pub fn field(a: &[c_char]) -> &[u8] {
    // SAFETY: c_char and u8 have the same size and alignment.
    let b = unsafe { core::slice::from_raw_parts(a.as_ptr().cast::<u8>(), a.len()) };
    let n = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    &b[..n]
}

/// Stores `val` and a terminator in `dst`; the caller has checked that it
/// fits (`val.len() < dst.len()`).
fn set_field(dst: &mut [c_char], val: &[u8]) {
    debug_assert!(val.len() < dst.len());
    for (d, &s) in dst.iter_mut().zip(val) {
        *d = s as c_char;
    }
    dst[val.len()] = 0;
}

/// Takes the next `key:value` (or `key=value`) pair off the front of `s`.
/// Leading whitespace is skipped; the key runs to the first ':' or '=' (it
/// may contain anything else, as in SPDK), the value to the next
/// whitespace. Fails when there is no separator, the value is empty, or a
/// part is too long for SPDK's buffers.
pub fn next_pair<'a>(s: &mut &'a [u8]) -> Option<(&'a [u8], &'a [u8])> {
    let start = s
        .iter()
        .position(|c| !WHITESPACE.contains(c))
        .unwrap_or(s.len());
    let rest = &s[start..];
    let Some(sep) = rest.iter().position(|&c| c == b':' || c == b'=') else {
        spdk_log::errlog!("Key without ':' or '=' separator");
        return None;
    };
    let key = &rest[..sep];
    if key.len() >= KEY_BUF {
        spdk_log::errlog!(
            "Key length {} greater than maximum allowed {}",
            key.len(),
            KEY_BUF - 1
        );
        return None;
    }
    let after = &rest[sep + 1..];
    let vlen = after
        .iter()
        .position(|c| WHITESPACE.contains(c))
        .unwrap_or(after.len());
    if vlen == 0 {
        spdk_log::errlog!("Key without value");
        return None;
    }
    if vlen >= VAL_BUF {
        spdk_log::errlog!(
            "Value length {} greater than maximum allowed {}",
            vlen,
            VAL_BUF - 1
        );
        return None;
    }
    *s = &after[vlen..];
    Some((key, &after[..vlen]))
}

fn show(b: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(b)
}

/// Stores `val` in the string field `dst` whose capacity without the
/// terminator is `max`.
fn store(dst: &mut [c_char], max: usize, name: &str, val: &[u8]) -> Result<(), c_int> {
    if val.len() > max {
        spdk_log::errlog!(
            "{name} length {} greater than maximum allowed {max}",
            val.len()
        );
        return Err(libc::EINVAL);
    }
    set_field(dst, val);
    Ok(())
}

/// `spdk_nvme_transport_id_parse`: fills the fields `s` names; returns a
/// positive errno on failure (fields parsed before the failure stay set).
pub fn parse(trid: &mut spdk_nvme_transport_id, mut s: &[u8]) -> Result<(), c_int> {
    while !s.is_empty() {
        let Some((key, val)) = next_pair(&mut s) else {
            spdk_log::errlog!("Failed to parse transport ID");
            return Err(libc::EINVAL);
        };
        let k = key.to_ascii_lowercase();
        match k.as_slice() {
            b"trtype" => {
                if populate_trstring(&mut trid.trstring, val).is_err() {
                    spdk_log::errlog!("invalid transport '{}'", show(val));
                    return Err(libc::EINVAL);
                }
                trid.trtype.0 = parse_trtype(val);
            }
            b"adrfam" => match parse_adrfam(val) {
                Some(v) => trid.adrfam.0 = v,
                None => {
                    spdk_log::errlog!("Unknown adrfam '{}'", show(val));
                    return Err(libc::EINVAL);
                }
            },
            b"traddr" => store(&mut trid.traddr, SPDK_NVMF_TRADDR_MAX_LEN, "traddr", val)?,
            b"trsvcid" => store(&mut trid.trsvcid, SPDK_NVMF_TRSVCID_MAX_LEN, "trsvcid", val)?,
            b"subnqn" => store(&mut trid.subnqn, SPDK_NVMF_NQN_MAX_LEN, "subnqn", val)?,
            b"priority" => {
                if val.len() > SPDK_NVMF_PRIORITY_MAX_LEN {
                    spdk_log::errlog!(
                        "priority length {} greater than maximum allowed {}",
                        val.len(),
                        SPDK_NVMF_PRIORITY_MAX_LEN
                    );
                    return Err(libc::EINVAL);
                }
                // As in SPDK, a non-number stores spdk_strtol()'s negative
                // errno.
                trid.priority = spdk_util::string::strtol_checked(val, 10) as c_int;
            }
            // Keys of the host ID and of the applications' extensions.
            b"hostaddr" | b"hostsvcid" | b"hostnqn" | b"ns" | b"alt_traddr" => {}
            _ => spdk_log::errlog!("Unknown transport ID key '{}'", show(key)),
        }
    }
    Ok(())
}

/// `spdk_nvme_prchk_flags_parse`: ORs into `flags` the PI checks named
/// by a `prchk:` key ("reftag" and/or "guard", any case, e.g.
/// "prchk:reftag|guard"); any other key is an error.
pub fn parse_prchk(flags: &mut u32, mut s: &[u8]) -> Result<(), c_int> {
    use crate::spec::io_flags::{PRCHK_GUARD, PRCHK_REFTAG};
    while !s.is_empty() {
        let Some((key, val)) = next_pair(&mut s) else {
            spdk_log::errlog!("Failed to parse prchk");
            return Err(libc::EINVAL);
        };
        if !key.eq_ignore_ascii_case(b"prchk") {
            spdk_log::errlog!("Unknown key '{}'", show(key));
            return Err(libc::EINVAL);
        }
        let v = val.to_ascii_lowercase();
        let has = |w: &[u8]| v.windows(w.len()).any(|x| x == w);
        if has(b"reftag") {
            *flags |= PRCHK_REFTAG;
        }
        if has(b"guard") {
            *flags |= PRCHK_GUARD;
        }
    }
    Ok(())
}

/// `spdk_nvme_host_id_parse`: fills hostaddr/hostsvcid from `s`.
pub fn parse_host_id(host: &mut spdk_nvme_host_id, mut s: &[u8]) -> Result<(), c_int> {
    while !s.is_empty() {
        let Some((key, val)) = next_pair(&mut s) else {
            spdk_log::errlog!("Failed to parse host ID");
            return Err(libc::EINVAL);
        };
        let k = key.to_ascii_lowercase();
        match k.as_slice() {
            b"trtype" | b"adrfam" | b"traddr" | b"trsvcid" | b"subnqn" | b"priority" | b"ns" => {}
            b"hostaddr" => store(
                &mut host.hostaddr,
                SPDK_NVMF_TRADDR_MAX_LEN,
                "hostaddr",
                val,
            )?,
            b"hostsvcid" => store(
                &mut host.hostsvcid,
                SPDK_NVMF_TRSVCID_MAX_LEN,
                "hostsvcid",
                val,
            )?,
            _ => spdk_log::errlog!("Unknown transport ID key '{}'", show(key)),
        }
    }
    Ok(())
}

/// `spdk_nvme_transport_id_populate_trstring`: the upper-cased name. As in
/// SPDK, an overlong name fails after the first
/// SPDK_NVMF_TRSTRING_MAX_LEN bytes have been written.
pub fn populate_trstring(
    dst: &mut [c_char; SPDK_NVMF_TRSTRING_MAX_LEN + 1],
    name: &[u8],
) -> Result<(), c_int> {
    for (d, &s) in dst
        .iter_mut()
        .zip(name.iter().take(SPDK_NVMF_TRSTRING_MAX_LEN))
    {
        *d = s.to_ascii_uppercase() as c_char;
    }
    if name.len() > SPDK_NVMF_TRSTRING_MAX_LEN {
        return Err(libc::EINVAL);
    }
    dst[name.len()] = 0;
    Ok(())
}

/// `spdk_nvme_transport_id_parse_trtype`: a known name's type, else CUSTOM.
pub fn parse_trtype(name: &[u8]) -> c_int {
    let t = match name.to_ascii_uppercase().as_slice() {
        b"PCIE" => T::SPDK_NVME_TRANSPORT_PCIE,
        b"RDMA" => T::SPDK_NVME_TRANSPORT_RDMA,
        b"FC" => T::SPDK_NVME_TRANSPORT_FC,
        b"TCP" => T::SPDK_NVME_TRANSPORT_TCP,
        b"VFIOUSER" => T::SPDK_NVME_TRANSPORT_VFIOUSER,
        _ => T::SPDK_NVME_TRANSPORT_CUSTOM,
    };
    t as c_int
}

/// The display name of a transport type (`spdk_nvme_transport_id_trtype_str`).
pub fn trtype_str(trtype: c_int) -> Option<&'static CStr> {
    Some(match trtype {
        x if x == T::SPDK_NVME_TRANSPORT_PCIE as c_int => c"PCIe",
        x if x == T::SPDK_NVME_TRANSPORT_RDMA as c_int => c"RDMA",
        x if x == T::SPDK_NVME_TRANSPORT_FC as c_int => c"FC",
        x if x == T::SPDK_NVME_TRANSPORT_TCP as c_int => c"TCP",
        x if x == T::SPDK_NVME_TRANSPORT_VFIOUSER as c_int => c"VFIOUSER",
        x if x == T::SPDK_NVME_TRANSPORT_CUSTOM as c_int => c"CUSTOM",
        _ => return None,
    })
}

/// The upper-case trstring of a transport type (`SPDK_NVME_TRANSPORT_NAME_*`).
fn trtype_name(trtype: c_int) -> Option<&'static [u8]> {
    Some(match trtype {
        x if x == T::SPDK_NVME_TRANSPORT_PCIE as c_int => b"PCIE",
        x if x == T::SPDK_NVME_TRANSPORT_RDMA as c_int => b"RDMA",
        x if x == T::SPDK_NVME_TRANSPORT_FC as c_int => b"FC",
        x if x == T::SPDK_NVME_TRANSPORT_TCP as c_int => b"TCP",
        x if x == T::SPDK_NVME_TRANSPORT_VFIOUSER as c_int => b"VFIOUSER",
        x if x == T::SPDK_NVME_TRANSPORT_CUSTOM as c_int => b"CUSTOM",
        _ => return None,
    })
}

/// `spdk_nvme_trid_populate_transport`.
pub fn populate_transport(trid: &mut spdk_nvme_transport_id, trtype: c_int) {
    trid.trtype.0 = trtype;
    match trtype_name(trtype) {
        Some(name) => set_field(&mut trid.trstring, name),
        None => spdk_log::errlog!("no available transports"),
    }
}

/// The value of an address family name, any case.
pub fn parse_adrfam(name: &[u8]) -> Option<c_int> {
    let a = match name.to_ascii_uppercase().as_slice() {
        b"IPV4" => A::SPDK_NVMF_ADRFAM_IPV4,
        b"IPV6" => A::SPDK_NVMF_ADRFAM_IPV6,
        b"IB" => A::SPDK_NVMF_ADRFAM_IB,
        b"FC" => A::SPDK_NVMF_ADRFAM_FC,
        _ => return None,
    };
    Some(a as c_int)
}

/// The display name of an address family.
pub fn adrfam_str(adrfam: c_int) -> Option<&'static CStr> {
    Some(match adrfam {
        x if x == A::SPDK_NVMF_ADRFAM_IPV4 as c_int => c"IPv4",
        x if x == A::SPDK_NVMF_ADRFAM_IPV6 as c_int => c"IPv6",
        x if x == A::SPDK_NVMF_ADRFAM_IB as c_int => c"IB",
        x if x == A::SPDK_NVMF_ADRFAM_FC as c_int => c"FC",
        _ => return None,
    })
}

/// strcasecmp() in the C locale: the difference of the first differing
/// lower-cased bytes.
pub fn strcasecmp(a: &[u8], b: &[u8]) -> c_int {
    let mut i = 0;
    loop {
        let x = a.get(i).copied().unwrap_or(0).to_ascii_lowercase();
        let y = b.get(i).copied().unwrap_or(0).to_ascii_lowercase();
        if x != y || x == 0 {
            return c_int::from(x) - c_int::from(y);
        }
        i += 1;
    }
}

/// strcmp(): the difference of the first differing bytes.
fn strcmp(a: &[u8], b: &[u8]) -> c_int {
    let mut i = 0;
    loop {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        if x != y || x == 0 {
            return c_int::from(x) - c_int::from(y);
        }
        i += 1;
    }
}

/// `spdk_nvme_transport_id_compare`.
pub fn compare(t1: &spdk_nvme_transport_id, t2: &spdk_nvme_transport_id) -> c_int {
    let cmp = if t1.trtype.0 == T::SPDK_NVME_TRANSPORT_CUSTOM as c_int {
        strcasecmp(field(&t1.trstring), field(&t2.trstring))
    } else {
        t1.trtype.0.wrapping_sub(t2.trtype.0)
    };
    if cmp != 0 {
        return cmp;
    }
    if t1.trtype.0 == T::SPDK_NVME_TRANSPORT_PCIE as c_int {
        // A PCIe ID is its (normalized) PCI address.
        let pci = |t: &spdk_nvme_transport_id| {
            std::str::from_utf8(field(&t.traddr))
                .ok()
                .and_then(spdk_env::pci::parse)
        };
        return match (pci(t1), pci(t2)) {
            (Some(a), Some(b)) => spdk_env::pci::compare(&a, &b),
            _ => -1,
        };
    }
    let cmp = strcasecmp(field(&t1.traddr), field(&t2.traddr));
    if cmp != 0 {
        return cmp;
    }
    let cmp = t1.adrfam.0.wrapping_sub(t2.adrfam.0);
    if cmp != 0 {
        return cmp;
    }
    let cmp = strcasecmp(field(&t1.trsvcid), field(&t2.trsvcid));
    if cmp != 0 {
        return cmp;
    }
    strcmp(field(&t1.subnqn), field(&t2.subnqn))
}

/// Finds `name` followed by ':' or '=' anywhere in `s`, case-insensitively
/// (the first "name:" wins over any "name="), and returns the text after
/// the separator, like SPDK's strcasestr() lookups of the extra keys.
fn find_key<'a>(s: &'a [u8], name: &str) -> Option<&'a [u8]> {
    let lower = s.to_ascii_lowercase();
    for sep in [b':', b'='] {
        let mut pat = name.as_bytes().to_vec();
        pat.push(sep);
        if let Some(i) = lower.windows(pat.len()).position(|w| w == pat.as_slice()) {
            return Some(&s[i + pat.len()..]);
        }
    }
    None
}

/// The value at the start of `s`: up to the next whitespace.
fn value(s: &[u8]) -> &[u8] {
    &s[..s
        .iter()
        .position(|c| WHITESPACE.contains(c))
        .unwrap_or(s.len())]
}

/// `spdk_nvme_trid_entry_parse`.
pub fn parse_entry(e: &mut spdk_nvme_trid_entry, s: &[u8]) -> Result<(), c_int> {
    e.trid.trtype.0 = T::SPDK_NVME_TRANSPORT_PCIE as c_int;
    set_field(&mut e.trid.subnqn, crate::DISCOVERY_NQN.as_bytes());
    if parse(&mut e.trid, s).is_err() {
        spdk_log::errlog!("Invalid transport ID format '{}'", show(s));
        return Err(libc::EINVAL);
    }
    if let Some(rest) = find_key(s, "ns") {
        let v = value(rest);
        if v.len() > 5 {
            spdk_log::errlog!("NVMe namespace IDs must be 5 digits or less");
            return Err(libc::EINVAL);
        }
        let nsid = spdk_util::string::strtol_checked(v, 10);
        if !(1..=65535).contains(&nsid) {
            spdk_log::errlog!("NVMe namespace IDs must be less than 65536 and greater than 0");
            return Err(libc::EINVAL);
        }
        e.nsid = nsid as u16;
    }
    if let Some(rest) = find_key(s, "hostnqn") {
        let v = value(rest);
        if v.len() > SPDK_NVMF_NQN_MAX_LEN {
            spdk_log::errlog!("Host NQN is too long");
            return Err(libc::EINVAL);
        }
        set_field(&mut e.hostnqn, v);
    }
    e.failover_trid = e.trid;
    if let Some(rest) = find_key(s, "alt_traddr") {
        let v = value(rest);
        if v.len() > SPDK_NVMF_TRADDR_MAX_LEN {
            spdk_log::errlog!("The failover traddr {} is too long.", show(v));
            return Err(libc::EINVAL);
        }
        // Only the value: SPDK copies the rest of the string, so keys after
        // alt_traddr would end up in the address.
        set_field(&mut e.failover_trid.traddr, v);
    }
    Ok(())
}

/// The help text of spdk_nvme_transport_id_usage() for the flags `opts`.
pub fn usage(opts: u32) -> String {
    use crate::ffi::nvme_util::spdk_nvme_trid_usage_opt as O;
    let has = |o: O| opts & o as u32 != 0;
    let pcie = !has(O::SPDK_NVME_TRID_USAGE_OPT_NO_PCIE);
    let fabric = !has(O::SPDK_NVME_TRID_USAGE_OPT_NO_FABRIC);
    let mandatory = has(O::SPDK_NVME_TRID_USAGE_OPT_MANDATORY);
    let (pcie_ex, fabric_ex) = ("0000:04:00.0", "192.168.100.8");
    let what = match (pcie, fabric) {
        (true, true) => "local PCIe NVMe or NVMeoF",
        (true, false) => "local PCIe NVMe",
        (false, true) => "NVMeoF",
        (false, false) => "",
    };
    let addr_ex = match (pcie, fabric) {
        (true, true) => format!("{pcie_ex} or {fabric_ex}"),
        (true, false) => pcie_ex.to_string(),
        (false, true) => fabric_ex.to_string(),
        (false, false) => String::new(),
    };
    let (open, close) = if mandatory { ("", "") } else { ("[", "]") };
    let long = if has(O::SPDK_NVME_TRID_USAGE_OPT_LONGOPT) {
        ", --transport"
    } else {
        ""
    };
    let mut o = format!("\t{open}-r{long} <fmt> Transport ID for {what}{close}\n");
    o += "\t\tFormat: 'key:value [key:value] ...'\n\t\tKeys:\n";
    let key = |o: &mut String, k: &str, d: &str| *o += &format!("\t\t {k:<11} {d}\n");
    key(&mut o, "trtype", "Transport type (e.g. PCIe, TCP, RDMA)");
    if fabric {
        key(&mut o, "adrfam", "Address family (e.g. IPv4, IPv6)");
    }
    key(
        &mut o,
        "traddr",
        &format!("Transport address (e.g. {addr_ex})"),
    );
    if fabric {
        key(
            &mut o,
            "trsvcid",
            "Transport service ID, the port (e.g. 4420)",
        );
        key(
            &mut o,
            "subnqn",
            &format!("Subsystem NQN (default: {})", crate::DISCOVERY_NQN),
        );
    }
    if has(O::SPDK_NVME_TRID_USAGE_OPT_NS) {
        key(
            &mut o,
            "ns",
            "Namespace ID (default: every active namespace)",
        );
    }
    if fabric && has(O::SPDK_NVME_TRID_USAGE_OPT_HOSTNQN) {
        key(&mut o, "hostnqn", "Host NQN");
    }
    if fabric && has(O::SPDK_NVME_TRID_USAGE_OPT_ALT_TRADDR) {
        key(
            &mut o,
            "alt_traddr",
            "Failover transport address (optional)",
        );
    }
    o += "\t\tExamples:\n";
    if pcie {
        o += &format!("\t\t -r 'trtype:PCIe traddr:{pcie_ex}'\n");
    }
    if fabric {
        o += &format!("\t\t -r 'trtype:TCP adrfam:IPv4 traddr:{fabric_ex} trsvcid:4420'\n");
    }
    if has(O::SPDK_NVME_TRID_USAGE_OPT_MULTI) {
        o += "\t\tNote: give the option several times for several controllers.\n";
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::nvme::TransportTypeArg;
    use core::mem::{offset_of, size_of};

    fn p(s: &str) -> Result<spdk_nvme_transport_id, c_int> {
        let mut t = spdk_nvme_transport_id::default();
        parse(&mut t, s.as_bytes()).map(|()| t)
    }

    #[test]
    fn layout_matches_c() {
        assert_eq!(offset_of!(spdk_nvme_transport_id, trtype), 36);
        assert_eq!(offset_of!(spdk_nvme_transport_id, adrfam), 40);
        assert_eq!(offset_of!(spdk_nvme_transport_id, traddr), 44);
        assert_eq!(offset_of!(spdk_nvme_transport_id, trsvcid), 301);
        assert_eq!(offset_of!(spdk_nvme_transport_id, subnqn), 334);
        assert_eq!(offset_of!(spdk_nvme_transport_id, priority), 560);
        assert_eq!(size_of::<spdk_nvme_transport_id>(), 564);
        assert_eq!(size_of::<spdk_nvme_host_id>(), 290);
    }

    #[test]
    fn parses_all_keys() {
        let t = p("trtype:tcp adrfam:IPv4 traddr:127.0.0.1 trsvcid:4420 \
                   subnqn:nqn.2016-06.io.spdk:cnode1 priority:3")
        .unwrap();
        assert_eq!(field(&t.trstring), b"TCP");
        assert_eq!(t.trtype.0, 3);
        assert_eq!(t.adrfam.0, 1);
        assert_eq!(field(&t.traddr), b"127.0.0.1");
        assert_eq!(field(&t.trsvcid), b"4420");
        assert_eq!(field(&t.subnqn), b"nqn.2016-06.io.spdk:cnode1");
        assert_eq!(t.priority, 3);
    }

    #[test]
    fn keys_case_insensitive_and_equals() {
        let t = p("TrType=PCIe\tTRADDR=0000:04:00.0\n").unwrap_err();
        // Trailing whitespace leaves a pair without separator: SPDK fails.
        assert_eq!(t, libc::EINVAL);
        let t = p("TrType=PCIe\tTRADDR=0000:04:00.0").unwrap();
        assert_eq!(t.trtype.0, 256);
        assert_eq!(field(&t.trstring), b"PCIE");
        assert_eq!(field(&t.traddr), b"0000:04:00.0");
    }

    #[test]
    fn ignored_and_unknown_keys() {
        let t = p("ns:1 hostnqn:x alt_traddr:y hostaddr:z hostsvcid:1 bogus:1").unwrap();
        assert_eq!(t.trtype.0, 0);
        assert_eq!(field(&t.traddr), b"");
    }

    #[test]
    fn bad_input() {
        assert_eq!(p("trtype").unwrap_err(), libc::EINVAL);
        assert_eq!(p("trtype:").unwrap_err(), libc::EINVAL);
        assert_eq!(p("adrfam:ipv5").unwrap_err(), libc::EINVAL);
        assert_eq!(
            p(&format!("traddr:{}", "a".repeat(257))).unwrap_err(),
            libc::EINVAL
        );
        assert!(p(&format!("traddr:{}", "a".repeat(256))).is_ok());
        assert_eq!(
            p(&format!("trsvcid:{}", "1".repeat(33))).unwrap_err(),
            libc::EINVAL
        );
        assert_eq!(
            p(&format!("subnqn:{}", "n".repeat(224))).unwrap_err(),
            libc::EINVAL
        );
        assert_eq!(
            p(&format!("trtype:{}", "x".repeat(33))).unwrap_err(),
            libc::EINVAL
        );
        assert_eq!(p("priority:12345").unwrap_err(), libc::EINVAL);
        assert_eq!(
            p(&format!("{}:1", "k".repeat(32))).unwrap_err(),
            libc::EINVAL
        );
        assert_eq!(
            p(&format!("traddr:{}", "a".repeat(1024))).unwrap_err(),
            libc::EINVAL
        );
        assert!(p("").is_ok());
        assert_eq!(p(" ").unwrap_err(), libc::EINVAL);
    }

    #[test]
    fn unknown_trtype_is_custom() {
        let t = p("trtype:myfabric").unwrap();
        assert_eq!(t.trtype.0, T::SPDK_NVME_TRANSPORT_CUSTOM as c_int);
        assert_eq!(field(&t.trstring), b"MYFABRIC");
    }

    #[test]
    fn separator_is_first_colon_or_equals() {
        let t = p("subnqn=nqn.2014-08.org:x").unwrap();
        assert_eq!(field(&t.subnqn), b"nqn.2014-08.org:x");
    }

    #[test]
    fn names() {
        for t in [256, 1, 2, 3, 1024, 4096] {
            let s = trtype_str(t).unwrap().to_bytes();
            let parsed = parse_trtype(s);
            assert_eq!(parsed, t, "{t}");
        }
        assert!(trtype_str(4097).is_none());
        assert_eq!(parse_adrfam(b"ipv6"), Some(2));
        assert_eq!(adrfam_str(4).unwrap().to_bytes(), b"FC");
        assert!(adrfam_str(0).is_none());
    }

    #[test]
    fn populate() {
        let mut t = spdk_nvme_transport_id::default();
        populate_transport(&mut t, 3);
        assert_eq!(field(&t.trstring), b"TCP");
        populate_transport(&mut t, 77);
        assert_eq!(t.trtype, TransportTypeArg(77));
        assert_eq!(field(&t.trstring), b"TCP");
    }

    #[test]
    fn compare_rules() {
        let a = p("trtype:PCIe traddr:0000:04:00.0").unwrap();
        let b = p("trtype:pcie traddr:04:00.0").unwrap();
        assert_eq!(compare(&a, &b), 0);
        let c = p("trtype:PCIe traddr:0000:05:00.0").unwrap();
        assert!(compare(&a, &c) < 0 && compare(&c, &a) > 0);
        let x = p("trtype:tcp adrfam:ipv4 traddr:A trsvcid:4420 subnqn:n").unwrap();
        let y = p("trtype:TCP adrfam:IPv4 traddr:a trsvcid:4420 subnqn:n").unwrap();
        assert_eq!(compare(&x, &y), 0);
        let z = p("trtype:TCP adrfam:IPv4 traddr:a trsvcid:4420 subnqn:N").unwrap();
        assert_ne!(compare(&x, &z), 0);
        assert!(compare(&a, &x) > 0);
        let c1 = p("trtype:foo traddr:1").unwrap();
        let c2 = p("trtype:FOO traddr:1").unwrap();
        assert_eq!(compare(&c1, &c2), 0);
        let bad = p("trtype:PCIe traddr:zz").unwrap();
        assert_eq!(compare(&bad, &a), -1);
    }

    #[test]
    fn host_id() {
        let mut h = spdk_nvme_host_id::default();
        parse_host_id(
            &mut h,
            b"trtype:tcp hostaddr:10.0.0.1 HOSTSVCID:5000 bogus:1",
        )
        .unwrap();
        assert_eq!(field(&h.hostaddr), b"10.0.0.1");
        assert_eq!(field(&h.hostsvcid), b"5000");
        assert_eq!(parse_host_id(&mut h, b"hostaddr"), Err(libc::EINVAL));
        let long = format!("hostsvcid:{}", "1".repeat(33));
        assert_eq!(parse_host_id(&mut h, long.as_bytes()), Err(libc::EINVAL));
    }
    #[test]
    fn entry() {
        let mut e = spdk_nvme_trid_entry::default();
        parse_entry(
            &mut e,
            b"trtype:tcp traddr:1.2.3.4 alt_traddr:5.6.7.8 ns:7 hostnqn:nqn.h trsvcid:4420",
        )
        .unwrap();
        assert_eq!(e.nsid, 7);
        assert_eq!(field(&e.hostnqn), b"nqn.h");
        assert_eq!(field(&e.trid.subnqn), crate::DISCOVERY_NQN.as_bytes());
        assert_eq!(field(&e.failover_trid.traddr), b"5.6.7.8");
        assert_eq!(field(&e.failover_trid.trsvcid), b"4420");
        let mut e = spdk_nvme_trid_entry::default();
        parse_entry(&mut e, b"traddr:0000:01:00.0").unwrap();
        assert_eq!(e.trid.trtype.0, 256);
        assert_eq!(field(&e.failover_trid.traddr), b"0000:01:00.0");
        for bad in [
            "ns:0",
            "ns:65536",
            "ns:123456",
            "ns:x",
            "traddr",
            "adrfam:x",
        ] {
            let mut e = spdk_nvme_trid_entry::default();
            assert_eq!(
                parse_entry(&mut e, bad.as_bytes()),
                Err(libc::EINVAL),
                "{bad}"
            );
        }
    }

    #[test]
    fn usage_text() {
        let all = usage(2 | 4 | 32 | 64 | 128 | 256);
        assert!(all.starts_with("\t-r, --transport <fmt>"));
        for k in [
            "trtype",
            "adrfam",
            "traddr",
            "trsvcid",
            "subnqn",
            "ns ",
            "hostnqn",
            "alt_traddr",
        ] {
            assert!(all.contains(k), "{k}");
        }
        let pcie = usage(16);
        assert!(pcie.starts_with("\t[-r <fmt>"));
        assert!(!pcie.contains("adrfam") && !pcie.contains("192.168"));
    }
}
