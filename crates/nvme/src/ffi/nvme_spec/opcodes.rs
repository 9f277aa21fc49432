//! Opcodes and the values of command fields: fused operations, data
//! pointer kinds, SGL descriptor types, feature, identify and log page
//! identifiers.

/// Admin command set opcodes.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_admin_opcode {
    SPDK_NVME_OPC_DELETE_IO_SQ = 0x00,
    SPDK_NVME_OPC_CREATE_IO_SQ = 0x01,
    SPDK_NVME_OPC_GET_LOG_PAGE = 0x02,
    SPDK_NVME_OPC_DELETE_IO_CQ = 0x04,
    SPDK_NVME_OPC_CREATE_IO_CQ = 0x05,
    SPDK_NVME_OPC_IDENTIFY = 0x06,
    SPDK_NVME_OPC_ABORT = 0x08,
    SPDK_NVME_OPC_SET_FEATURES = 0x09,
    SPDK_NVME_OPC_GET_FEATURES = 0x0a,
    SPDK_NVME_OPC_ASYNC_EVENT_REQUEST = 0x0c,
    SPDK_NVME_OPC_NS_MANAGEMENT = 0x0d,
    SPDK_NVME_OPC_FIRMWARE_COMMIT = 0x10,
    SPDK_NVME_OPC_FIRMWARE_IMAGE_DOWNLOAD = 0x11,
    SPDK_NVME_OPC_DEVICE_SELF_TEST = 0x14,
    SPDK_NVME_OPC_NS_ATTACHMENT = 0x15,
    SPDK_NVME_OPC_KEEP_ALIVE = 0x18,
    SPDK_NVME_OPC_DIRECTIVE_SEND = 0x19,
    SPDK_NVME_OPC_DIRECTIVE_RECEIVE = 0x1a,
    SPDK_NVME_OPC_VIRTUALIZATION_MANAGEMENT = 0x1c,
    SPDK_NVME_OPC_NVME_MI_SEND = 0x1d,
    SPDK_NVME_OPC_NVME_MI_RECEIVE = 0x1e,
    SPDK_NVME_OPC_DOORBELL_BUFFER_CONFIG = 0x7c,
    SPDK_NVME_OPC_FORMAT_NVM = 0x80,
    SPDK_NVME_OPC_SECURITY_SEND = 0x81,
    SPDK_NVME_OPC_SECURITY_RECEIVE = 0x82,
    SPDK_NVME_OPC_SANITIZE = 0x84,
    SPDK_NVME_OPC_GET_LBA_STATUS = 0x86,
    /// First vendor specific admin opcode.
    SPDK_NVME_OPC_VENDOR_SPECIFIC_START = 0xc0,
}

/// NVM command set (I/O) opcodes.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_nvm_opcode {
    SPDK_NVME_OPC_FLUSH = 0x00,
    SPDK_NVME_OPC_WRITE = 0x01,
    SPDK_NVME_OPC_READ = 0x02,
    SPDK_NVME_OPC_WRITE_UNCORRECTABLE = 0x04,
    SPDK_NVME_OPC_COMPARE = 0x05,
    SPDK_NVME_OPC_WRITE_ZEROES = 0x08,
    SPDK_NVME_OPC_DATASET_MANAGEMENT = 0x09,
    SPDK_NVME_OPC_VERIFY = 0x0c,
    SPDK_NVME_OPC_RESERVATION_REGISTER = 0x0d,
    SPDK_NVME_OPC_RESERVATION_REPORT = 0x0e,
    SPDK_NVME_OPC_RESERVATION_ACQUIRE = 0x11,
    SPDK_NVME_OPC_IO_MANAGEMENT_RECEIVE = 0x12,
    SPDK_NVME_OPC_RESERVATION_RELEASE = 0x15,
    SPDK_NVME_OPC_COPY = 0x19,
    SPDK_NVME_OPC_IO_MANAGEMENT_SEND = 0x1d,
}

/// Opcodes the Zoned Namespace command set adds to the NVM ones.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_zns_opcode {
    SPDK_NVME_OPC_ZONE_MGMT_SEND = 0x79,
    SPDK_NVME_OPC_ZONE_MGMT_RECV = 0x7a,
    SPDK_NVME_OPC_ZONE_APPEND = 0x7d,
}

/// Data direction of an opcode: its two low bits
/// (spdk_nvme_opc_get_data_transfer()).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_data_transfer {
    /// No data.
    SPDK_NVME_DATA_NONE = 0,
    /// Host to controller (a write).
    SPDK_NVME_DATA_HOST_TO_CONTROLLER = 1,
    /// Controller to host (a read).
    SPDK_NVME_DATA_CONTROLLER_TO_HOST = 2,
    /// Both ways.
    SPDK_NVME_DATA_BIDIRECTIONAL = 3,
}

/// Fused operation field (FUSE) of a command.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_cmd_fuse {
    /// Not fused.
    SPDK_NVME_CMD_FUSE_NONE = 0x0,
    /// First command of a fused pair.
    SPDK_NVME_CMD_FUSE_FIRST = 0x1,
    /// Second command of a fused pair.
    SPDK_NVME_CMD_FUSE_SECOND = 0x2,
    /// Mask of the field.
    SPDK_NVME_CMD_FUSE_MASK = 0x3,
}

/// Data pointer kind of a command (PSDT).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_psdt_value {
    /// PRPs.
    SPDK_NVME_PSDT_PRP = 0x0,
    /// SGLs; the metadata pointer is a contiguous buffer.
    SPDK_NVME_PSDT_SGL_MPTR_CONTIG = 0x1,
    /// SGLs; the metadata pointer is an SGL segment.
    SPDK_NVME_PSDT_SGL_MPTR_SGL = 0x2,
    SPDK_NVME_PSDT_RESERVED = 0x3,
}

/// SGL descriptor types.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_sgl_descriptor_type {
    SPDK_NVME_SGL_TYPE_DATA_BLOCK = 0x0,
    SPDK_NVME_SGL_TYPE_BIT_BUCKET = 0x1,
    SPDK_NVME_SGL_TYPE_SEGMENT = 0x2,
    SPDK_NVME_SGL_TYPE_LAST_SEGMENT = 0x3,
    SPDK_NVME_SGL_TYPE_KEYED_DATA_BLOCK = 0x4,
    SPDK_NVME_SGL_TYPE_TRANSPORT_DATA_BLOCK = 0x5,
    SPDK_NVME_SGL_TYPE_VENDOR_SPECIFIC = 0xf,
}

/// SGL descriptor subtypes.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_sgl_descriptor_subtype {
    /// The address field is an address.
    SPDK_NVME_SGL_SUBTYPE_ADDRESS = 0x0,
    /// The address field is an offset (in-capsule data).
    SPDK_NVME_SGL_SUBTYPE_OFFSET = 0x1,
    /// Transport specific.
    SPDK_NVME_SGL_SUBTYPE_TRANSPORT = 0xa,
}

/// Feature identifiers of Get/Set Features. The CDW11 layout of a feature
/// is the `union spdk_nvme_feat_*` of the same name.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_feat {
    SPDK_NVME_FEAT_ARBITRATION = 0x01,
    SPDK_NVME_FEAT_POWER_MANAGEMENT = 0x02,
    SPDK_NVME_FEAT_LBA_RANGE_TYPE = 0x03,
    SPDK_NVME_FEAT_TEMPERATURE_THRESHOLD = 0x04,
    SPDK_NVME_FEAT_ERROR_RECOVERY = 0x05,
    SPDK_NVME_FEAT_VOLATILE_WRITE_CACHE = 0x06,
    SPDK_NVME_FEAT_NUMBER_OF_QUEUES = 0x07,
    SPDK_NVME_FEAT_INTERRUPT_COALESCING = 0x08,
    SPDK_NVME_FEAT_INTERRUPT_VECTOR_CONFIGURATION = 0x09,
    SPDK_NVME_FEAT_WRITE_ATOMICITY = 0x0a,
    SPDK_NVME_FEAT_ASYNC_EVENT_CONFIGURATION = 0x0b,
    SPDK_NVME_FEAT_AUTONOMOUS_POWER_STATE_TRANSITION = 0x0c,
    SPDK_NVME_FEAT_HOST_MEM_BUFFER = 0x0d,
    SPDK_NVME_FEAT_TIMESTAMP = 0x0e,
    SPDK_NVME_FEAT_KEEP_ALIVE_TIMER = 0x0f,
    SPDK_NVME_FEAT_HOST_CONTROLLED_THERMAL_MANAGEMENT = 0x10,
    SPDK_NVME_FEAT_NON_OPERATIONAL_POWER_STATE_CONFIG = 0x11,
    SPDK_NVME_FEAT_READ_RECOVERY_LEVEL_CONFIG = 0x12,
    SPDK_NVME_FEAT_PREDICTABLE_LATENCY_MODE_CONFIG = 0x13,
    SPDK_NVME_FEAT_PREDICTABLE_LATENCY_MODE_WINDOW = 0x14,
    SPDK_NVME_FEAT_LBA_STATUS_INFORMATION_ATTRIBUTES = 0x15,
    /// Data: struct spdk_nvme_host_behavior.
    SPDK_NVME_FEAT_HOST_BEHAVIOR_SUPPORT = 0x16,
    SPDK_NVME_FEAT_SANITIZE_CONFIG = 0x17,
    SPDK_NVME_FEAT_ENDURANCE_GROUP_EVENT = 0x18,
    SPDK_NVME_FEAT_IO_COMMAND_SET_PROFILE = 0x19,
    SPDK_NVME_FEAT_SPINUP_CONTROL = 0x1a,
    /// CDW11/12: union spdk_nvme_feat_fdp_cdw11/cdw12.
    SPDK_NVME_FEAT_FDP = 0x1d,
    /// CDW11/12: union spdk_nvme_feat_fdp_events_cdw11/cdw12; data: struct
    /// spdk_nvme_fdp_event_desc.
    SPDK_NVME_FEAT_FDP_EVENTS = 0x1e,
    SPDK_NVME_FEAT_ENHANCED_CONTROLLER_METADATA = 0x7d,
    SPDK_NVME_FEAT_CONTROLLER_METADATA = 0x7e,
    SPDK_NVME_FEAT_NAMESPACE_METADATA = 0x7f,
    SPDK_NVME_FEAT_SOFTWARE_PROGRESS_MARKER = 0x80,
    SPDK_NVME_FEAT_HOST_IDENTIFIER = 0x81,
    /// CDW11: union spdk_nvme_feat_reservation_notification_mask.
    SPDK_NVME_FEAT_HOST_RESERVE_MASK = 0x82,
    /// CDW11: union spdk_nvme_feat_reservation_persistence.
    SPDK_NVME_FEAT_HOST_RESERVE_PERSIST = 0x83,
    SPDK_NVME_FEAT_NAMESPACE_WRITE_PROTECTION_CONFIG = 0x84,
}

/// Attribute bits of a Dataset Management command (CDW11).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_dsm_attribute {
    SPDK_NVME_DSM_ATTR_INTEGRAL_READ = 0x1,
    SPDK_NVME_DSM_ATTR_INTEGRAL_WRITE = 0x2,
    /// Deallocate (unmap) the ranges.
    SPDK_NVME_DSM_ATTR_DEALLOCATE = 0x4,
}

/// Controller or Namespace Structure (CNS) values of Identify.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_identify_cns {
    /// The namespace of CDW1.NSID (struct spdk_nvme_ns_data).
    SPDK_NVME_IDENTIFY_NS = 0x00,
    /// The controller (struct spdk_nvme_ctrlr_data).
    SPDK_NVME_IDENTIFY_CTRLR = 0x01,
    /// Active NSIDs above CDW1.NSID (struct spdk_nvme_ns_list).
    SPDK_NVME_IDENTIFY_ACTIVE_NS_LIST = 0x02,
    /// Namespace identification descriptors of CDW1.NSID.
    SPDK_NVME_IDENTIFY_NS_ID_DESCRIPTOR_LIST = 0x03,
    /// Command set specific namespace data (CDW11.CSI).
    SPDK_NVME_IDENTIFY_NS_IOCS = 0x05,
    /// Command set specific controller data (CDW11.CSI).
    SPDK_NVME_IDENTIFY_CTRLR_IOCS = 0x06,
    /// Active NSIDs above CDW1.NSID of command set CDW11.CSI.
    SPDK_NVME_IDENTIFY_ACTIVE_NS_LIST_IOCS = 0x07,
    /// Command set independent namespace data.
    SPDK_NVME_IDENTIFY_NS_IOCS_INDEPENDENT = 0x08,
    SPDK_NVME_IDENTIFY_ALLOCATED_NS_LIST = 0x10,
    SPDK_NVME_IDENTIFY_NS_ALLOCATED = 0x11,
    /// Controllers attached to CDW1.NSID, from CDW10.CNTID on.
    SPDK_NVME_IDENTIFY_NS_ATTACHED_CTRLR_LIST = 0x12,
    /// Controllers of the subsystem, from CDW10.CNTID on.
    SPDK_NVME_IDENTIFY_CTRLR_LIST = 0x13,
    SPDK_NVME_IDENTIFY_PRIMARY_CTRLR_CAP = 0x14,
    SPDK_NVME_IDENTIFY_SECONDARY_CTRLR_LIST = 0x15,
    SPDK_NVME_IDENTIFY_UUID_LIST = 0x17,
    SPDK_NVME_IDENTIFY_ALLOCATED_NS_LIST_IOCS = 0x1a,
    SPDK_NVME_IDENTIFY_NS_ALLOCATED_IOCS = 0x1b,
    /// The I/O command set combinations (struct spdk_nvme_iocs_vector).
    SPDK_NVME_IDENTIFY_IOCS = 0x1c,
}

/// Log page identifiers of Get Log Page.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_log_page {
    SPDK_NVME_LOG_SUPPORTED_LOG_PAGES = 0x00,
    /// struct spdk_nvme_error_information_entry[].
    SPDK_NVME_LOG_ERROR = 0x01,
    /// struct spdk_nvme_health_information_page.
    SPDK_NVME_LOG_HEALTH_INFORMATION = 0x02,
    /// struct spdk_nvme_firmware_page.
    SPDK_NVME_LOG_FIRMWARE_SLOT = 0x03,
    SPDK_NVME_LOG_CHANGED_NS_LIST = 0x04,
    /// struct spdk_nvme_cmds_and_effect_log_page.
    SPDK_NVME_LOG_COMMAND_EFFECTS_LOG = 0x05,
    SPDK_NVME_LOG_DEVICE_SELF_TEST = 0x06,
    SPDK_NVME_LOG_TELEMETRY_HOST_INITIATED = 0x07,
    SPDK_NVME_LOG_TELEMETRY_CTRLR_INITIATED = 0x08,
    SPDK_NVME_LOG_ENDURANCE_GROUP_INFORMATION = 0x09,
    /// (sic: SPDK's spelling.)
    SPDK_NVME_LOG_PREDICATBLE_LATENCY = 0x0a,
    SPDK_NVME_LOG_PREDICTABLE_LATENCY_EVENT = 0x0b,
    /// struct spdk_nvme_ana_page and its group descriptors.
    SPDK_NVME_LOG_ASYMMETRIC_NAMESPACE_ACCESS = 0x0c,
    SPDK_NVME_LOG_PERSISTENT_EVENT_LOG = 0x0d,
    SPDK_NVME_LOG_ENDURANCE_GROUP_EVENT = 0x0f,
    SPDK_NVME_LOG_MEDIA_UNIT_STATUS = 0x10,
    SPDK_NVME_LOG_CAPACITY_CONFIGURATION_LIST = 0x11,
    SPDK_NVME_LOG_FEATURE_IDS_EFFECTS = 0x12,
    SPDK_NVME_LOG_NVME_MI_COMMANDS_EFFECTS = 0x13,
    SPDK_NVME_LOG_COMMAND_FEATURE_LOCKDOWN = 0x14,
    SPDK_NVME_LOG_BOOT_PARTITION = 0x15,
    SPDK_NVME_LOG_ROTATIONAL_MEDIA_INFORMATION = 0x16,
    SPDK_NVME_LOG_FDP_CONFIGURATIONS = 0x20,
    SPDK_NVME_LOG_RECLAIM_UNIT_HANDLE_USAGE = 0x21,
    SPDK_NVME_LOG_FDP_STATISTICS = 0x22,
    SPDK_NVME_LOG_FDP_EVENTS = 0x23,
    /// NVMe over Fabrics discovery log (struct spdk_nvmf_discovery_log_page).
    SPDK_NVME_LOG_DISCOVERY = 0x70,
    SPDK_NVME_LOG_RESERVATION_NOTIFICATION = 0x80,
    SPDK_NVME_LOG_SANITIZE_STATUS = 0x81,
    SPDK_NVME_LOG_CHANGED_ZONE_LIST = 0xbf,
    SPDK_NVME_LOG_VENDOR_SPECIFIC_START = 0xc0,
    SPDK_NVME_LOG_VENDOR_SPECIFIC_END = 0xff,
}

/// Management operations of I/O Management Receive.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_fdp_mgmt_recv_mo {
    SPDK_NVME_FDP_IO_MGMT_RECV_NA = 0x00,
    /// Reclaim unit handle status (struct spdk_nvme_fdp_ruhs).
    SPDK_NVME_FDP_IO_MGMT_RECV_RUHS = 0x01,
    SPDK_NVME_FDP_IO_MGMT_RECV_VS = 0xff,
}

/// Management operations of I/O Management Send.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_fdp_mgmt_send_mo {
    SPDK_NVME_FDP_IO_MGMT_SEND_NA = 0x00,
    /// Reclaim unit handle update.
    SPDK_NVME_FDP_IO_MGMT_SEND_RUHU = 0x01,
    SPDK_NVME_FDP_IO_MGMT_SEND_VS = 0xff,
}
