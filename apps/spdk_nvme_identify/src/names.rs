//! Names of opcodes and command sets as the report prints them.

/// An admin opcode's name.
pub fn admin_opc_name(opc: u8) -> &'static str {
    match opc {
        0x00 => "Delete I/O Submission Queue",
        0x01 => "Create I/O Submission Queue",
        0x02 => "Get Log Page",
        0x04 => "Delete I/O Completion Queue",
        0x05 => "Create I/O Completion Queue",
        0x06 => "Identify",
        0x08 => "Abort",
        0x09 => "Set Features",
        0x0a => "Get Features",
        0x0c => "Asynchronous Event Request",
        0x0d => "Namespace Management",
        0x10 => "Firmware Commit",
        0x11 => "Firmware Image Download",
        0x14 => "Device Self-test",
        0x15 => "Namespace Attachment",
        0x18 => "Keep Alive",
        0x19 => "Directive Send",
        0x1a => "Directive Receive",
        0x1c => "Virtualization Management",
        0x1d => "NVMe-MI Send",
        0x1e => "NVMe-MI Receive",
        0x7c => "Doorbell Buffer Config",
        0x80 => "Format NVM",
        0x81 => "Security Send",
        0x82 => "Security Receive",
        0x84 => "Sanitize",
        0xc0.. => "Vendor specific",
        _ => "Unknown",
    }
}

/// An I/O (NVM command set) opcode's name.
pub fn io_opc_name(opc: u8) -> &'static str {
    match opc {
        0x00 => "Flush",
        0x01 => "Write",
        0x02 => "Read",
        0x04 => "Write Uncorrectable",
        0x05 => "Compare",
        0x08 => "Write Zeroes",
        0x09 => "Dataset Management",
        0x0c => "Verify",
        0x0d => "Reservation Register",
        0x0e => "Reservation Report",
        0x11 => "Reservation Acquire",
        0x12 => "IO Management Receive",
        0x15 => "Reservation Release",
        0x19 => "Copy",
        0x1d => "IO Management Send",
        0x80.. => "Vendor specific",
        _ => "Unknown",
    }
}

/// A command set identifier's name.
pub fn csi_name(csi: u32) -> &'static str {
    match csi {
        0 => "NVM",
        1 => "KV",
        2 => "ZNS",
        0x30..=0x3f => "Vendor specific",
        _ => "Unknown",
    }
}

/// A protection information format's name.
pub fn pi_format(pif: u32) -> &'static str {
    match pif {
        0 => "16b Guard PI",
        1 => "32b Guard PI",
        2 => "64b Guard PI",
        3 => "Reserved",
        _ => "Unknown",
    }
}
