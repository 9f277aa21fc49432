//! Names of opcodes and status codes, and the one-line descriptions of
//! commands and completions that the driver logs (and
//! spdk_nvme_qpair_print_command / _completion print), in SPDK's format.

use std::ffi::CStr;

use crate::spec::cmd::{Cmd, Cpl, Status};

const OPC_FABRIC: u8 = 0x7f;

fn admin_opcode(opc: u8) -> &'static CStr {
    match opc {
        0x00 => c"DELETE IO SQ",
        0x01 => c"CREATE IO SQ",
        0x02 => c"GET LOG PAGE",
        0x04 => c"DELETE IO CQ",
        0x05 => c"CREATE IO CQ",
        0x06 => c"IDENTIFY",
        0x08 => c"ABORT",
        0x09 => c"SET FEATURES",
        0x0a => c"GET FEATURES",
        0x0c => c"ASYNC EVENT REQUEST",
        0x0d => c"NAMESPACE MANAGEMENT",
        0x10 => c"FIRMWARE COMMIT",
        0x11 => c"FIRMWARE IMAGE DOWNLOAD",
        0x14 => c"DEVICE SELF-TEST",
        0x15 => c"NAMESPACE ATTACHMENT",
        0x18 => c"KEEP ALIVE",
        0x19 => c"DIRECTIVE SEND",
        0x1a => c"DIRECTIVE RECEIVE",
        0x1c => c"VIRTUALIZATION MANAGEMENT",
        0x1d => c"NVME-MI SEND",
        0x1e => c"NVME-MI RECEIVE",
        0x7c => c"DOORBELL BUFFER CONFIG",
        0x7f => c"FABRIC",
        0x80 => c"FORMAT NVM",
        0x81 => c"SECURITY SEND",
        0x82 => c"SECURITY RECEIVE",
        0x84 => c"SANITIZE",
        0x86 => c"GET LBA STATUS",
        0xe2 => c"OCSSD / GEOMETRY",
        _ => c"ADMIN COMMAND",
    }
}

fn io_opcode(opc: u8) -> &'static CStr {
    match opc {
        0x00 => c"FLUSH",
        0x01 => c"WRITE",
        0x02 => c"READ",
        0x04 => c"WRITE UNCORRECTABLE",
        0x05 => c"COMPARE",
        0x08 => c"WRITE ZEROES",
        0x09 => c"DATASET MANAGEMENT",
        0x0d => c"RESERVATION REGISTER",
        0x0e => c"RESERVATION REPORT",
        0x11 => c"RESERVATION ACQUIRE",
        0x15 => c"RESERVATION RELEASE",
        0x90 => c"OCSSD / VECTOR RESET",
        0x91 => c"OCSSD / VECTOR WRITE",
        0x92 => c"OCSSD / VECTOR READ",
        0x93 => c"OCSSD / VECTOR COPY",
        _ => c"IO COMMAND",
    }
}

fn fabric_opcode(fctype: u8) -> &'static CStr {
    match fctype {
        0x00 => c"PROPERTY SET",
        0x01 => c"CONNECT",
        0x04 => c"PROPERTY GET",
        0x05 => c"AUTHENTICATION SEND",
        0x06 => c"AUTHENTICATION RECV",
        _ => c"RESERVED / VENDOR SPECIFIC",
    }
}

fn feature(fid: u32) -> &'static CStr {
    match fid {
        0x01 => c"ARBITRATION",
        0x02 => c"POWER MANAGEMENT",
        0x03 => c"LBA RANGE TYPE",
        0x04 => c"TEMPERATURE THRESHOLD",
        0x05 => c"ERROR_RECOVERY",
        0x06 => c"VOLATILE WRITE CACHE",
        0x07 => c"NUMBER OF QUEUES",
        0x08 => c"INTERRUPT COALESCING",
        0x09 => c"INTERRUPT VECTOR CONFIGURATION",
        0x0a => c"WRITE ATOMICITY",
        0x0b => c"ASYNC EVENT CONFIGURATION",
        0x0c => c"AUTONOMOUS POWER STATE TRANSITION",
        0x0d => c"HOST MEM BUFFER",
        0x0e => c"TIMESTAMP",
        0x0f => c"KEEP ALIVE TIMER",
        0x10 => c"HOST CONTROLLED THERMAL MANAGEMENT",
        0x11 => c"NON OPERATIONAL POWER STATE CONFIG",
        0x80 => c"SOFTWARE PROGRESS MARKER",
        0x81 => c"HOST IDENTIFIER",
        0x82 => c"HOST RESERVE MASK",
        0x83 => c"HOST RESERVE PERSIST",
        _ => c"RESERVED",
    }
}

/// The name of a status code type (`spdk_nvme_cpl_get_status_type_string`).
pub fn status_type_str(sct: u16) -> &'static CStr {
    match sct {
        0 => c"GENERIC",
        1 => c"COMMAND SPECIFIC",
        2 => c"MEDIA ERROR",
        3 => c"PATH",
        7 => c"VENDOR SPECIFIC",
        _ => c"RESERVED",
    }
}

fn generic_status(sc: u16) -> &'static CStr {
    match sc {
        0x00 => c"SUCCESS",
        0x01 => c"INVALID OPCODE",
        0x02 => c"INVALID FIELD",
        0x03 => c"COMMAND ID CONFLICT",
        0x04 => c"DATA TRANSFER ERROR",
        0x05 => c"ABORTED - POWER LOSS",
        0x06 => c"INTERNAL DEVICE ERROR",
        0x07 => c"ABORTED - BY REQUEST",
        0x08 => c"ABORTED - SQ DELETION",
        0x09 => c"ABORTED - FAILED FUSED",
        0x0a => c"ABORTED - MISSING FUSED",
        0x0b => c"INVALID NAMESPACE OR FORMAT",
        0x0c => c"COMMAND SEQUENCE ERROR",
        0x0d => c"INVALID SGL SEGMENT DESCRIPTOR",
        0x0e => c"INVALID NUMBER OF SGL DESCRIPTORS",
        0x0f => c"DATA SGL LENGTH INVALID",
        0x10 => c"METADATA SGL LENGTH INVALID",
        0x11 => c"SGL DESCRIPTOR TYPE INVALID",
        0x12 => c"INVALID CONTROLLER MEMORY BUFFER",
        0x13 => c"INVALID PRP OFFSET",
        0x14 => c"ATOMIC WRITE UNIT EXCEEDED",
        0x15 => c"OPERATION DENIED",
        0x16 => c"INVALID SGL OFFSET",
        0x18 => c"HOSTID INCONSISTENT FORMAT",
        0x19 => c"KEEP ALIVE EXPIRED",
        0x1a => c"KEEP ALIVE INVALID",
        0x1b => c"ABORTED - PREEMPT AND ABORT",
        0x1c => c"SANITIZE FAILED",
        0x1d => c"SANITIZE IN PROGRESS",
        0x1e => c"DATA BLOCK GRANULARITY INVALID",
        0x1f => c"COMMAND NOT SUPPORTED FOR QUEUE IN CMB",
        0x20 => c"COMMAND NAMESPACE IS PROTECTED",
        0x21 => c"COMMAND INTERRUPTED",
        0x22 => c"COMMAND TRANSIENT TRANSPORT ERROR",
        0x80 => c"LBA OUT OF RANGE",
        0x81 => c"CAPACITY EXCEEDED",
        0x82 => c"NAMESPACE NOT READY",
        0x83 => c"RESERVATION CONFLICT",
        0x84 => c"FORMAT IN PROGRESS",
        0x85 => c"INVALID VALUE SIZE",
        0x86 => c"INVALID KEY SIZE",
        0x87 => c"KV KEY DOES NOT EXIST",
        0x88 => c"UNRECOVERED ERROR",
        0x89 => c"KEY EXISTS",
        _ => c"GENERIC",
    }
}

fn command_specific_status(sc: u16) -> &'static CStr {
    match sc {
        0x00 => c"INVALID COMPLETION QUEUE",
        0x01 => c"INVALID QUEUE IDENTIFIER",
        0x02 => c"INVALID QUEUE SIZE",
        0x03 => c"ABORT CMD LIMIT EXCEEDED",
        0x05 => c"ASYNC LIMIT EXCEEDED",
        0x06 => c"INVALID FIRMWARE SLOT",
        0x07 => c"INVALID FIRMWARE IMAGE",
        0x08 => c"INVALID INTERRUPT VECTOR",
        0x09 => c"INVALID LOG PAGE",
        0x0a => c"INVALID FORMAT",
        0x0b => c"FIRMWARE REQUIRES CONVENTIONAL RESET",
        0x0c => c"INVALID QUEUE DELETION",
        0x0d => c"FEATURE ID NOT SAVEABLE",
        0x0e => c"FEATURE NOT CHANGEABLE",
        0x0f => c"FEATURE NOT NAMESPACE SPECIFIC",
        0x10 => c"FIRMWARE REQUIRES NVM RESET",
        0x11 => c"FIRMWARE REQUIRES RESET",
        0x12 => c"FIRMWARE REQUIRES MAX TIME VIOLATION",
        0x13 => c"FIRMWARE ACTIVATION PROHIBITED",
        0x14 => c"OVERLAPPING RANGE",
        0x15 => c"NAMESPACE INSUFFICIENT CAPACITY",
        0x16 => c"NAMESPACE ID UNAVAILABLE",
        0x18 => c"NAMESPACE ALREADY ATTACHED",
        0x19 => c"NAMESPACE IS PRIVATE",
        0x1a => c"NAMESPACE NOT ATTACHED",
        0x1b => c"THINPROVISIONING NOT SUPPORTED",
        0x1c => c"CONTROLLER LIST INVALID",
        0x1d => c"DEVICE SELF-TEST IN PROGRESS",
        0x1e => c"BOOT PARTITION WRITE PROHIBITED",
        0x1f => c"INVALID CONTROLLER ID",
        0x20 => c"INVALID SECONDARY CONTROLLER STATE",
        0x21 => c"INVALID NUMBER OF CONTROLLER RESOURCES",
        0x22 => c"INVALID RESOURCE IDENTIFIER",
        0x23 => c"SANITIZE PROHIBITED",
        0x24 => c"ANA GROUP IDENTIFIER INVALID",
        0x25 => c"ANA ATTACH FAILED",
        0x26 => c"INSUFFICIENT CAPACITY",
        0x27 => c"NAMESPACE ATTACH LIMIT EXCEEDED",
        0x28 => c"PROHIBIT COMMAND EXEC NOT SUPPORTED",
        0x29 => c"IOCS NOT SUPPORTED",
        0x2a => c"IOCS NOT ENABLED",
        0x2b => c"IOCS COMBINATION REJECTED",
        0x2c => c"INVALID IOCS",
        0x2d => c"IDENTIFIER UNAVAILABLE",
        0x7f => c"STREAM RESOURCE ALLOCATION FAILED",
        0x80 => c"CONFLICTING ATTRIBUTES",
        0x81 => c"INVALID PROTECTION INFO",
        0x82 => c"WRITE TO RO RANGE",
        0x83 => c"CMD SIZE LIMIT SIZE EXCEEDED",
        0xb8 => c"ZONED BOUNDARY ERROR",
        0xb9 => c"ZONE IS FULL",
        0xba => c"ZONE IS READ ONLY",
        0xbb => c"ZONE IS OFFLINE",
        0xbc => c"ZONE INVALID WRITE",
        0xbd => c"TOO MANY ACTIVE ZONES",
        0xbe => c"TOO MANY OPEN ZONES",
        0xbf => c"INVALID ZONE STATE TRANSITION",
        _ => c"COMMAND SPECIFIC",
    }
}

fn fabric_status(sc: u16) -> &'static CStr {
    match sc {
        0x80 => c"INCOMPATIBLE FORMAT",
        0x81 => c"CONTROLLER BUSY",
        0x82 => c"INVALID PARAM",
        0x83 => c"RESTART DISCOVERY",
        0x84 => c"INVALID HOST",
        0x90 => c"LOG RESTART DISCOVERY",
        0x91 => c"AUTH REQUIRED",
        _ => c"FABRIC COMMAND SPECIFIC",
    }
}

fn media_status(sc: u16) -> &'static CStr {
    match sc {
        0x80 => c"WRITE FAULTS",
        0x81 => c"UNRECOVERED READ ERROR",
        0x82 => c"GUARD CHECK ERROR",
        0x83 => c"APPLICATION TAG CHECK ERROR",
        0x84 => c"REFERENCE TAG CHECK ERROR",
        0x85 => c"COMPARE FAILURE",
        0x86 => c"ACCESS DENIED",
        0x87 => c"DEALLOCATED OR UNWRITTEN BLOCK",
        0x88 => c"END TO END STORAGE TAG CHECK ERROR",
        0xc0 => c"RESET OFFLINE CHUNK",
        0xc1 => c"INVALID RESET",
        0xf0 => c"WRITE FAIL WRITE NEXT UNIT",
        0xf1 => c"WRITE FAIL CHUNK EARLY CLOSE",
        0xf2 => c"OUT OF ORDER WRITE",
        0xd0 => c"READ HIGH ECC",
        _ => c"MEDIA ERROR",
    }
}

fn path_status(sc: u16) -> &'static CStr {
    match sc {
        0x00 => c"INTERNAL PATH ERROR",
        0x01 => c"ASYMMETRIC ACCESS PERSISTENT LOSS",
        0x02 => c"ASYMMETRIC ACCESS INACCESSIBLE",
        0x03 => c"ASYMMETRIC ACCESS TRANSITION",
        0x60 => c"CONTROLLER PATH ERROR",
        0x70 => c"HOST PATH ERROR",
        0x71 => c"ABORTED BY HOST",
        _ => c"PATH ERROR",
    }
}

/// The name of a completion status for a command of opcode `opc`
/// (`spdk_nvme_cpl_get_status_string_ext`).
pub fn status_str(st: Status, opc: u8) -> &'static CStr {
    let sc = st.sc();
    match st.sct() {
        0 => generic_status(sc),
        1 if opc == OPC_FABRIC => fabric_status(sc),
        1 => command_specific_status(sc),
        2 => media_status(sc),
        3 => path_status(sc),
        7 => c"VENDOR SPECIFIC",
        _ => c"RESERVED",
    }
}

fn dptr(cmd: &Cmd) -> String {
    if crate::spec::opc_data_transfer(cmd.opc()) == 0 {
        return String::new();
    }
    match cmd.psdt() {
        0 => format!("PRP1 0x{:x} PRP2 0x{:x}", cmd.dptr.prp1, cmd.dptr.prp2),
        1 | 2 => {
            let s = cmd.dptr.sgl1();
            let d = s.desc;
            let t = match d.sgl_type() {
                0 => c"DATA BLOCK",
                1 => c"BIT BUCKET",
                2 => c"SEGMENT",
                3 => c"LAST SEGMENT",
                4 => c"KEYED DATA BLOCK",
                5 => c"TRANSPORT DATA BLOCK",
                0xf => c"VENDOR SPECIFIC",
                _ => c"RESERVED",
            };
            let st = match d.subtype() {
                0 => c"ADDRESS",
                1 => c"OFFSET",
                0xa => c"TRANSPORT",
                0xf => c"INVALIDATE KEY",
                _ => c"RESERVED",
            };
            let mut out = format!(
                "SGL {} {} 0x{:x}",
                t.to_string_lossy(),
                st.to_string_lossy(),
                { s.address }
            );
            match d.sgl_type() {
                0 => out += &format!(" len:0x{:x}", d.length()),
                4 => out += &format!(" len:0x{:x} key:0x{:x}", d.keyed_length(), d.key()),
                _ => {}
            }
            out
        }
        _ => String::new(),
    }
}

/// A command as SPDK prints it, for queue `qid`.
pub fn command_string(qid: u16, cmd: &Cmd) -> String {
    let opc = cmd.opc();
    let d = dptr(cmd);
    if qid == 0 || opc == OPC_FABRIC {
        return match opc {
            0x09 | 0x0a => format!(
                "{} {} cid:{} cdw10:{:08x} {}",
                admin_opcode(opc).to_string_lossy(),
                feature(cmd.cdw10 & 0xff).to_string_lossy(),
                cmd.cid,
                cmd.cdw10,
                d
            ),
            OPC_FABRIC => {
                // The fabrics command type sits where NSID's low byte is.
                let fctype = cmd.nsid as u8;
                format!(
                    "{} {} qid:{} cid:{} {}",
                    admin_opcode(opc).to_string_lossy(),
                    fabric_opcode(fctype).to_string_lossy(),
                    qid,
                    cmd.cid,
                    d
                )
            }
            _ => format!(
                "{} ({:02}) qid:{} cid:{} nsid:{} cdw10:{:08x} cdw11:{:08x} {}",
                admin_opcode(opc).to_string_lossy(),
                opc,
                qid,
                cmd.cid,
                cmd.nsid,
                cmd.cdw10,
                cmd.cdw11,
                d
            ),
        };
    }
    match opc {
        0x01 | 0x02 | 0x04 | 0x05 => format!(
            "{} sqid:{} cid:{} nsid:{} lba:{} len:{} {}",
            io_opcode(opc).to_string_lossy(),
            qid,
            cmd.cid,
            cmd.nsid,
            ((cmd.cdw11 as u64) << 32) + cmd.cdw10 as u64,
            (cmd.cdw12 & 0xffff) + 1,
            d
        ),
        0x00 | 0x09 => format!(
            "{} sqid:{} cid:{} nsid:{}",
            io_opcode(opc).to_string_lossy(),
            qid,
            cmd.cid,
            cmd.nsid
        ),
        _ => format!(
            "{} ({:02x}) sqid:{} cid:{} nsid:{}",
            io_opcode(opc).to_string_lossy(),
            opc,
            qid,
            cmd.cid,
            cmd.nsid
        ),
    }
}

/// A completion as SPDK prints it.
pub fn completion_string(qid: u16, cpl: &Cpl, opc: u8) -> String {
    let st = cpl.status;
    format!(
        "{} ({:02x}/{:02x}) qid:{} cid:{} cdw0:{:08x} sqhd:{:04x} p:{:x} m:{:x} dnr:{:x}",
        status_str(st, opc).to_string_lossy(),
        st.sct(),
        st.sc(),
        qid,
        cpl.cid,
        cpl.cdw0,
        cpl.sqhd,
        st.p(),
        st.m(),
        st.dnr()
    )
}

/// Logs a command (notice level).
pub fn log_command(qid: u16, cmd: &Cmd) {
    spdk_log::noticelog!("{}", command_string(qid, cmd));
}

/// Logs a completion (notice level), with an error when it names another
/// queue.
pub fn log_completion_ext(qid: u16, cpl: &Cpl, opc: u8) {
    if cpl.sqid != qid && cpl.sqid != 0 {
        spdk_log::errlog!("sqid {} doesn't match qid", cpl.sqid);
    }
    spdk_log::noticelog!("{}", completion_string(qid, cpl, opc));
}

/// Logs a completion nobody was waiting for.
pub fn log_completion(qid: u16, cpl: &Cpl) {
    log_completion_ext(qid, cpl, 0);
}

/// Logs a command that failed and its completion (SPDK does this for
/// every failed command unless error logging is disabled).
pub fn log_failed_command(qid: u16, cmd: &Cmd, cpl: &Cpl) {
    log_command(qid, cmd);
    log_completion_ext(qid, cpl, cmd.opc());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings() {
        let mut c = Cmd::new(0x02, 1);
        c.cid = 7;
        c.cdw10 = 16;
        c.cdw12 = 7;
        c.dptr.prp1 = 0x1000;
        assert_eq!(
            command_string(1, &c),
            "READ sqid:1 cid:7 nsid:1 lba:16 len:8 PRP1 0x1000 PRP2 0x0"
        );
        let mut i = Cmd::new(0x06, 0);
        i.cdw10 = 1;
        assert_eq!(
            command_string(0, &i),
            "IDENTIFY (06) qid:0 cid:0 nsid:0 cdw10:00000001 cdw11:00000000 PRP1 0x0 PRP2 0x0"
        );
        let cpl = Cpl {
            cid: 7,
            sqhd: 3,
            status: Status::new(2, 0x85).with_dnr(1),
            ..Default::default()
        };
        assert_eq!(
            completion_string(1, &cpl, 5),
            "COMPARE FAILURE (02/85) qid:1 cid:7 cdw0:00000000 sqhd:0003 p:0 m:0 dnr:1"
        );
        assert_eq!(status_str(Status::new(1, 0x82), 0x7f), c"INVALID PARAM");
        assert_eq!(
            status_str(Status::new(1, 0x02), 0x06),
            c"INVALID QUEUE SIZE"
        );
        assert_eq!(status_type_str(4), c"RESERVED");
    }
}
