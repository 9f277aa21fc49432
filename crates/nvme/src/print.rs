//! Names of opcodes and status codes, and the one-line descriptions of
//! commands and completions that the driver logs (and
//! spdk_nvme_qpair_print_command / _completion print), in SPDK's format.

use crate::spec::cmd::{Cmd, Cpl, Status};

const OPC_FABRIC: u8 = 0x7f;

fn admin_opcode(opc: u8) -> &'static str {
    match opc {
        0x00 => "DELETE IO SQ",
        0x01 => "CREATE IO SQ",
        0x02 => "GET LOG PAGE",
        0x04 => "DELETE IO CQ",
        0x05 => "CREATE IO CQ",
        0x06 => "IDENTIFY",
        0x08 => "ABORT",
        0x09 => "SET FEATURES",
        0x0a => "GET FEATURES",
        0x0c => "ASYNC EVENT REQUEST",
        0x0d => "NAMESPACE MANAGEMENT",
        0x10 => "FIRMWARE COMMIT",
        0x11 => "FIRMWARE IMAGE DOWNLOAD",
        0x14 => "DEVICE SELF-TEST",
        0x15 => "NAMESPACE ATTACHMENT",
        0x18 => "KEEP ALIVE",
        0x19 => "DIRECTIVE SEND",
        0x1a => "DIRECTIVE RECEIVE",
        0x1c => "VIRTUALIZATION MANAGEMENT",
        0x1d => "NVME-MI SEND",
        0x1e => "NVME-MI RECEIVE",
        0x7c => "DOORBELL BUFFER CONFIG",
        0x7f => "FABRIC",
        0x80 => "FORMAT NVM",
        0x81 => "SECURITY SEND",
        0x82 => "SECURITY RECEIVE",
        0x84 => "SANITIZE",
        0x86 => "GET LBA STATUS",
        0xe2 => "OCSSD / GEOMETRY",
        _ => "ADMIN COMMAND",
    }
}

fn io_opcode(opc: u8) -> &'static str {
    match opc {
        0x00 => "FLUSH",
        0x01 => "WRITE",
        0x02 => "READ",
        0x04 => "WRITE UNCORRECTABLE",
        0x05 => "COMPARE",
        0x08 => "WRITE ZEROES",
        0x09 => "DATASET MANAGEMENT",
        0x0d => "RESERVATION REGISTER",
        0x0e => "RESERVATION REPORT",
        0x11 => "RESERVATION ACQUIRE",
        0x15 => "RESERVATION RELEASE",
        0x90 => "OCSSD / VECTOR RESET",
        0x91 => "OCSSD / VECTOR WRITE",
        0x92 => "OCSSD / VECTOR READ",
        0x93 => "OCSSD / VECTOR COPY",
        _ => "IO COMMAND",
    }
}

fn fabric_opcode(fctype: u8) -> &'static str {
    match fctype {
        0x00 => "PROPERTY SET",
        0x01 => "CONNECT",
        0x04 => "PROPERTY GET",
        0x05 => "AUTHENTICATION SEND",
        0x06 => "AUTHENTICATION RECV",
        _ => "RESERVED / VENDOR SPECIFIC",
    }
}

fn feature(fid: u32) -> &'static str {
    match fid {
        0x01 => "ARBITRATION",
        0x02 => "POWER MANAGEMENT",
        0x03 => "LBA RANGE TYPE",
        0x04 => "TEMPERATURE THRESHOLD",
        0x05 => "ERROR_RECOVERY",
        0x06 => "VOLATILE WRITE CACHE",
        0x07 => "NUMBER OF QUEUES",
        0x08 => "INTERRUPT COALESCING",
        0x09 => "INTERRUPT VECTOR CONFIGURATION",
        0x0a => "WRITE ATOMICITY",
        0x0b => "ASYNC EVENT CONFIGURATION",
        0x0c => "AUTONOMOUS POWER STATE TRANSITION",
        0x0d => "HOST MEM BUFFER",
        0x0e => "TIMESTAMP",
        0x0f => "KEEP ALIVE TIMER",
        0x10 => "HOST CONTROLLED THERMAL MANAGEMENT",
        0x11 => "NON OPERATIONAL POWER STATE CONFIG",
        0x80 => "SOFTWARE PROGRESS MARKER",
        0x81 => "HOST IDENTIFIER",
        0x82 => "HOST RESERVE MASK",
        0x83 => "HOST RESERVE PERSIST",
        _ => "RESERVED",
    }
}

/// The name of a status code type (`spdk_nvme_cpl_get_status_type_string`).
pub fn status_type_str(sct: u16) -> &'static str {
    match sct {
        0 => "GENERIC",
        1 => "COMMAND SPECIFIC",
        2 => "MEDIA ERROR",
        3 => "PATH",
        7 => "VENDOR SPECIFIC",
        _ => "RESERVED",
    }
}

fn generic_status(sc: u16) -> &'static str {
    match sc {
        0x00 => "SUCCESS",
        0x01 => "INVALID OPCODE",
        0x02 => "INVALID FIELD",
        0x03 => "COMMAND ID CONFLICT",
        0x04 => "DATA TRANSFER ERROR",
        0x05 => "ABORTED - POWER LOSS",
        0x06 => "INTERNAL DEVICE ERROR",
        0x07 => "ABORTED - BY REQUEST",
        0x08 => "ABORTED - SQ DELETION",
        0x09 => "ABORTED - FAILED FUSED",
        0x0a => "ABORTED - MISSING FUSED",
        0x0b => "INVALID NAMESPACE OR FORMAT",
        0x0c => "COMMAND SEQUENCE ERROR",
        0x0d => "INVALID SGL SEGMENT DESCRIPTOR",
        0x0e => "INVALID NUMBER OF SGL DESCRIPTORS",
        0x0f => "DATA SGL LENGTH INVALID",
        0x10 => "METADATA SGL LENGTH INVALID",
        0x11 => "SGL DESCRIPTOR TYPE INVALID",
        0x12 => "INVALID CONTROLLER MEMORY BUFFER",
        0x13 => "INVALID PRP OFFSET",
        0x14 => "ATOMIC WRITE UNIT EXCEEDED",
        0x15 => "OPERATION DENIED",
        0x16 => "INVALID SGL OFFSET",
        0x18 => "HOSTID INCONSISTENT FORMAT",
        0x19 => "KEEP ALIVE EXPIRED",
        0x1a => "KEEP ALIVE INVALID",
        0x1b => "ABORTED - PREEMPT AND ABORT",
        0x1c => "SANITIZE FAILED",
        0x1d => "SANITIZE IN PROGRESS",
        0x1e => "DATA BLOCK GRANULARITY INVALID",
        0x1f => "COMMAND NOT SUPPORTED FOR QUEUE IN CMB",
        0x20 => "COMMAND NAMESPACE IS PROTECTED",
        0x21 => "COMMAND INTERRUPTED",
        0x22 => "COMMAND TRANSIENT TRANSPORT ERROR",
        0x80 => "LBA OUT OF RANGE",
        0x81 => "CAPACITY EXCEEDED",
        0x82 => "NAMESPACE NOT READY",
        0x83 => "RESERVATION CONFLICT",
        0x84 => "FORMAT IN PROGRESS",
        0x85 => "INVALID VALUE SIZE",
        0x86 => "INVALID KEY SIZE",
        0x87 => "KV KEY DOES NOT EXIST",
        0x88 => "UNRECOVERED ERROR",
        0x89 => "KEY EXISTS",
        _ => "GENERIC",
    }
}

fn command_specific_status(sc: u16) -> &'static str {
    match sc {
        0x00 => "INVALID COMPLETION QUEUE",
        0x01 => "INVALID QUEUE IDENTIFIER",
        0x02 => "INVALID QUEUE SIZE",
        0x03 => "ABORT CMD LIMIT EXCEEDED",
        0x05 => "ASYNC LIMIT EXCEEDED",
        0x06 => "INVALID FIRMWARE SLOT",
        0x07 => "INVALID FIRMWARE IMAGE",
        0x08 => "INVALID INTERRUPT VECTOR",
        0x09 => "INVALID LOG PAGE",
        0x0a => "INVALID FORMAT",
        0x0b => "FIRMWARE REQUIRES CONVENTIONAL RESET",
        0x0c => "INVALID QUEUE DELETION",
        0x0d => "FEATURE ID NOT SAVEABLE",
        0x0e => "FEATURE NOT CHANGEABLE",
        0x0f => "FEATURE NOT NAMESPACE SPECIFIC",
        0x10 => "FIRMWARE REQUIRES NVM RESET",
        0x11 => "FIRMWARE REQUIRES RESET",
        0x12 => "FIRMWARE REQUIRES MAX TIME VIOLATION",
        0x13 => "FIRMWARE ACTIVATION PROHIBITED",
        0x14 => "OVERLAPPING RANGE",
        0x15 => "NAMESPACE INSUFFICIENT CAPACITY",
        0x16 => "NAMESPACE ID UNAVAILABLE",
        0x18 => "NAMESPACE ALREADY ATTACHED",
        0x19 => "NAMESPACE IS PRIVATE",
        0x1a => "NAMESPACE NOT ATTACHED",
        0x1b => "THINPROVISIONING NOT SUPPORTED",
        0x1c => "CONTROLLER LIST INVALID",
        0x1d => "DEVICE SELF-TEST IN PROGRESS",
        0x1e => "BOOT PARTITION WRITE PROHIBITED",
        0x1f => "INVALID CONTROLLER ID",
        0x20 => "INVALID SECONDARY CONTROLLER STATE",
        0x21 => "INVALID NUMBER OF CONTROLLER RESOURCES",
        0x22 => "INVALID RESOURCE IDENTIFIER",
        0x23 => "SANITIZE PROHIBITED",
        0x24 => "ANA GROUP IDENTIFIER INVALID",
        0x25 => "ANA ATTACH FAILED",
        0x26 => "INSUFFICIENT CAPACITY",
        0x27 => "NAMESPACE ATTACH LIMIT EXCEEDED",
        0x28 => "PROHIBIT COMMAND EXEC NOT SUPPORTED",
        0x29 => "IOCS NOT SUPPORTED",
        0x2a => "IOCS NOT ENABLED",
        0x2b => "IOCS COMBINATION REJECTED",
        0x2c => "INVALID IOCS",
        0x2d => "IDENTIFIER UNAVAILABLE",
        0x7f => "STREAM RESOURCE ALLOCATION FAILED",
        0x80 => "CONFLICTING ATTRIBUTES",
        0x81 => "INVALID PROTECTION INFO",
        0x82 => "WRITE TO RO RANGE",
        0x83 => "CMD SIZE LIMIT SIZE EXCEEDED",
        0xb8 => "ZONED BOUNDARY ERROR",
        0xb9 => "ZONE IS FULL",
        0xba => "ZONE IS READ ONLY",
        0xbb => "ZONE IS OFFLINE",
        0xbc => "ZONE INVALID WRITE",
        0xbd => "TOO MANY ACTIVE ZONES",
        0xbe => "TOO MANY OPEN ZONES",
        0xbf => "INVALID ZONE STATE TRANSITION",
        _ => "COMMAND SPECIFIC",
    }
}

fn fabric_status(sc: u16) -> &'static str {
    match sc {
        0x80 => "INCOMPATIBLE FORMAT",
        0x81 => "CONTROLLER BUSY",
        0x82 => "INVALID PARAM",
        0x83 => "RESTART DISCOVERY",
        0x84 => "INVALID HOST",
        0x90 => "LOG RESTART DISCOVERY",
        0x91 => "AUTH REQUIRED",
        _ => "FABRIC COMMAND SPECIFIC",
    }
}

fn media_status(sc: u16) -> &'static str {
    match sc {
        0x80 => "WRITE FAULTS",
        0x81 => "UNRECOVERED READ ERROR",
        0x82 => "GUARD CHECK ERROR",
        0x83 => "APPLICATION TAG CHECK ERROR",
        0x84 => "REFERENCE TAG CHECK ERROR",
        0x85 => "COMPARE FAILURE",
        0x86 => "ACCESS DENIED",
        0x87 => "DEALLOCATED OR UNWRITTEN BLOCK",
        0x88 => "END TO END STORAGE TAG CHECK ERROR",
        0xc0 => "RESET OFFLINE CHUNK",
        0xc1 => "INVALID RESET",
        0xf0 => "WRITE FAIL WRITE NEXT UNIT",
        0xf1 => "WRITE FAIL CHUNK EARLY CLOSE",
        0xf2 => "OUT OF ORDER WRITE",
        0xd0 => "READ HIGH ECC",
        _ => "MEDIA ERROR",
    }
}

fn path_status(sc: u16) -> &'static str {
    match sc {
        0x00 => "INTERNAL PATH ERROR",
        0x01 => "ASYMMETRIC ACCESS PERSISTENT LOSS",
        0x02 => "ASYMMETRIC ACCESS INACCESSIBLE",
        0x03 => "ASYMMETRIC ACCESS TRANSITION",
        0x60 => "CONTROLLER PATH ERROR",
        0x70 => "HOST PATH ERROR",
        0x71 => "ABORTED BY HOST",
        _ => "PATH ERROR",
    }
}

/// The name of a completion status for a command of opcode `opc`
/// (`spdk_nvme_cpl_get_status_string_ext`).
pub fn status_str(st: Status, opc: u8) -> &'static str {
    let sc = st.sc();
    match st.sct() {
        0 => generic_status(sc),
        1 if opc == OPC_FABRIC => fabric_status(sc),
        1 => command_specific_status(sc),
        2 => media_status(sc),
        3 => path_status(sc),
        7 => "VENDOR SPECIFIC",
        _ => "RESERVED",
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
                0 => "DATA BLOCK",
                1 => "BIT BUCKET",
                2 => "SEGMENT",
                3 => "LAST SEGMENT",
                4 => "KEYED DATA BLOCK",
                5 => "TRANSPORT DATA BLOCK",
                0xf => "VENDOR SPECIFIC",
                _ => "RESERVED",
            };
            let st = match d.subtype() {
                0 => "ADDRESS",
                1 => "OFFSET",
                0xa => "TRANSPORT",
                0xf => "INVALIDATE KEY",
                _ => "RESERVED",
            };
            let mut out = format!("SGL {} {} 0x{:x}", t, st, { s.address });
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
                admin_opcode(opc),
                feature(cmd.cdw10 & 0xff),
                cmd.cid,
                cmd.cdw10,
                d
            ),
            OPC_FABRIC => {
                // The fabrics command type sits where NSID's low byte is.
                let fctype = cmd.nsid as u8;
                format!(
                    "{} {} qid:{} cid:{} {}",
                    admin_opcode(opc),
                    fabric_opcode(fctype),
                    qid,
                    cmd.cid,
                    d
                )
            }
            _ => format!(
                "{} ({:02}) qid:{} cid:{} nsid:{} cdw10:{:08x} cdw11:{:08x} {}",
                admin_opcode(opc),
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
            io_opcode(opc),
            qid,
            cmd.cid,
            cmd.nsid,
            ((cmd.cdw11 as u64) << 32) + cmd.cdw10 as u64,
            (cmd.cdw12 & 0xffff) + 1,
            d
        ),
        0x00 | 0x09 => format!(
            "{} sqid:{} cid:{} nsid:{}",
            io_opcode(opc),
            qid,
            cmd.cid,
            cmd.nsid
        ),
        _ => format!(
            "{} ({:02x}) sqid:{} cid:{} nsid:{}",
            io_opcode(opc),
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
        status_str(st, opc),
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
        assert_eq!(status_str(Status::new(1, 0x82), 0x7f), "INVALID PARAM");
        assert_eq!(status_str(Status::new(1, 0x02), 0x06), "INVALID QUEUE SIZE");
        assert_eq!(status_type_str(4), "RESERVED");
    }
}
