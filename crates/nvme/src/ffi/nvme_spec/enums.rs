//! The remaining field values: controller registers, identify data,
//! reservations, asynchronous events, log pages, FDP, zoned namespaces,
//! format/sanitize/firmware commands and directives.

/// I/O command set selected (CC.CSS).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_cc_css {
    /// The NVM command set.
    SPDK_NVME_CC_CSS_NVM = 0x0,
    /// The command sets of CAP.CSS's IOCS bit (identify I/O command sets).
    SPDK_NVME_CC_CSS_IOCS = 0x6,
    /// Admin commands only.
    SPDK_NVME_CC_CSS_NOIO = 0x7,
}

/// Shutdown notification (CC.SHN).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_shn_value {
    SPDK_NVME_SHN_NORMAL = 0x1,
    SPDK_NVME_SHN_ABRUPT = 0x2,
}

/// Shutdown status (CSTS.SHST).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_shst_value {
    SPDK_NVME_SHST_NORMAL = 0x0,
    SPDK_NVME_SHST_OCCURRING = 0x1,
    SPDK_NVME_SHST_COMPLETE = 0x2,
}

/// Boot partition read status (BPINFO.BRS).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_brs_value {
    SPDK_NVME_BRS_NO_READ = 0x0,
    SPDK_NVME_BRS_READ_IN_PROGRESS = 0x1,
    SPDK_NVME_BRS_READ_SUCCESS = 0x2,
    SPDK_NVME_BRS_READ_ERROR = 0x3,
}

/// Submission queue priority of Create I/O Submission Queue (weighted round
/// robin arbitration only).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_qprio {
    SPDK_NVME_QPRIO_URGENT = 0x0,
    SPDK_NVME_QPRIO_HIGH = 0x1,
    SPDK_NVME_QPRIO_MEDIUM = 0x2,
    SPDK_NVME_QPRIO_LOW = 0x3,
}

/// Optional arbitration mechanisms a controller supports (bits of CAP.AMS;
/// round robin is always supported).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_cap_ams {
    /// Weighted round robin with urgent priority class.
    SPDK_NVME_CAP_AMS_WRR = 0x1,
    /// Vendor specific.
    SPDK_NVME_CAP_AMS_VS = 0x2,
}

/// Arbitration mechanism selected (CC.AMS).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_cc_ams {
    /// Round robin.
    SPDK_NVME_CC_AMS_RR = 0x0,
    /// Weighted round robin with urgent priority class.
    SPDK_NVME_CC_AMS_WRR = 0x1,
    /// Vendor specific.
    SPDK_NVME_CC_AMS_VS = 0x7,
}

/// Controller model of an NVMe over Fabrics subsystem (identify controller
/// data, nvmf_specific.ctrattr.ctrlr_model).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvmf_ctrlr_model {
    /// Controllers are created on connect.
    SPDK_NVMF_CTRLR_MODEL_DYNAMIC = 0,
    /// Controllers exist beforehand.
    SPDK_NVMF_CTRLR_MODEL_STATIC = 1,
}

/// SGL support of a controller (identify controller data, sgls.supported).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_sgls_supported {
    SPDK_NVME_SGLS_NOT_SUPPORTED = 0,
    /// Supported, any alignment.
    SPDK_NVME_SGLS_SUPPORTED = 1,
    /// Supported, dword aligned and sized data blocks only.
    SPDK_NVME_SGLS_SUPPORTED_DWORD_ALIGNED = 2,
}

/// Whether Flush accepts the broadcast NSID (identify controller data,
/// vwc.flush_broadcast).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_flush_broadcast {
    SPDK_NVME_FLUSH_BROADCAST_NOT_INDICATED = 0,
    SPDK_NVME_FLUSH_BROADCAST_NOT_SUPPORTED = 2,
    SPDK_NVME_FLUSH_BROADCAST_SUPPORTED = 3,
}

/// Protection information format (guard size) of an LBA format.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_pi_format {
    SPDK_NVME_16B_GUARD_PI = 0,
    SPDK_NVME_32B_GUARD_PI = 1,
    SPDK_NVME_64B_GUARD_PI = 2,
}

/// What deallocated blocks read back as (namespace data,
/// dlfeat.bits.read_value).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_dealloc_logical_block_read_value {
    SPDK_NVME_DEALLOC_NOT_REPORTED = 0,
    /// All bytes 0x00.
    SPDK_NVME_DEALLOC_READ_00 = 1,
    /// All bytes 0xff.
    SPDK_NVME_DEALLOC_READ_FF = 2,
}

/// Reservation types.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_reservation_type {
    SPDK_NVME_RESERVE_WRITE_EXCLUSIVE = 0x1,
    SPDK_NVME_RESERVE_EXCLUSIVE_ACCESS = 0x2,
    SPDK_NVME_RESERVE_WRITE_EXCLUSIVE_REG_ONLY = 0x3,
    SPDK_NVME_RESERVE_EXCLUSIVE_ACCESS_REG_ONLY = 0x4,
    SPDK_NVME_RESERVE_WRITE_EXCLUSIVE_ALL_REGS = 0x5,
    SPDK_NVME_RESERVE_EXCLUSIVE_ACCESS_ALL_REGS = 0x6,
}

/// Actions of Reservation Acquire.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_reservation_acquire_action {
    SPDK_NVME_RESERVE_ACQUIRE = 0x0,
    SPDK_NVME_RESERVE_PREEMPT = 0x1,
    SPDK_NVME_RESERVE_PREEMPT_ABORT = 0x2,
}

/// Persist-through-power-loss change of Reservation Register.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_reservation_register_cptpl {
    SPDK_NVME_RESERVE_PTPL_NO_CHANGES = 0x0,
    SPDK_NVME_RESERVE_PTPL_CLEAR_POWER_ON = 0x2,
    SPDK_NVME_RESERVE_PTPL_PERSIST_POWER_LOSS = 0x3,
}

/// Actions of Reservation Register.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_reservation_register_action {
    SPDK_NVME_RESERVE_REGISTER_KEY = 0x0,
    SPDK_NVME_RESERVE_UNREGISTER_KEY = 0x1,
    SPDK_NVME_RESERVE_REPLACE_KEY = 0x2,
}

/// Actions of Reservation Release.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_reservation_release_action {
    SPDK_NVME_RESERVE_RELEASE = 0x0,
    SPDK_NVME_RESERVE_CLEAR = 0x1,
}

/// Types of a reservation notification log page.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_reservation_notification_log_page_type {
    SPDK_NVME_RESERVATION_LOG_PAGE_EMPTY = 0x0,
    SPDK_NVME_REGISTRATION_PREEMPTED = 0x1,
    SPDK_NVME_RESERVATION_RELEASED = 0x2,
    SPDK_NVME_RESERVATION_PREEMPTED = 0x3,
}

/// Outcome of the last sanitize (sanitize status log, sstat.status).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_sanitize_status_type {
    SPDK_NVME_NEVER_BEEN_SANITIZED = 0x0,
    SPDK_NVME_RECENT_SANITIZE_SUCCESSFUL = 0x1,
    SPDK_NVME_SANITIZE_IN_PROGRESS = 0x2,
    SPDK_NVME_SANITIZE_FAILED = 0x3,
}

/// Asynchronous event types.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_async_event_type {
    SPDK_NVME_ASYNC_EVENT_TYPE_ERROR = 0x0,
    SPDK_NVME_ASYNC_EVENT_TYPE_SMART = 0x1,
    SPDK_NVME_ASYNC_EVENT_TYPE_NOTICE = 0x2,
    /// I/O command set specific.
    SPDK_NVME_ASYNC_EVENT_TYPE_IO = 0x6,
    SPDK_NVME_ASYNC_EVENT_TYPE_VENDOR = 0x7,
}

/// Event information of error events.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_async_event_info_error {
    SPDK_NVME_ASYNC_EVENT_WRITE_INVALID_DB = 0x0,
    SPDK_NVME_ASYNC_EVENT_INVALID_DB_WRITE = 0x1,
    SPDK_NVME_ASYNC_EVENT_DIAGNOSTIC_FAILURE = 0x2,
    SPDK_NVME_ASYNC_EVENT_PERSISTENT_INTERNAL = 0x3,
    SPDK_NVME_ASYNC_EVENT_TRANSIENT_INTERNAL = 0x4,
    SPDK_NVME_ASYNC_EVENT_FW_IMAGE_LOAD = 0x5,
}

/// Event information of SMART / health events.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_async_event_info_smart {
    SPDK_NVME_ASYNC_EVENT_SUBSYSTEM_RELIABILITY = 0x0,
    SPDK_NVME_ASYNC_EVENT_TEMPERATURE_THRESHOLD = 0x1,
    SPDK_NVME_ASYNC_EVENT_SPARE_BELOW_THRESHOLD = 0x2,
}

/// Event information of notice events.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_async_event_info_notice {
    SPDK_NVME_ASYNC_EVENT_NS_ATTR_CHANGED = 0x0,
    SPDK_NVME_ASYNC_EVENT_FW_ACTIVATION_START = 0x1,
    SPDK_NVME_ASYNC_EVENT_TELEMETRY_LOG_CHANGED = 0x2,
    SPDK_NVME_ASYNC_EVENT_ANA_CHANGE = 0x3,
    /// The discovery log of a discovery controller changed.
    SPDK_NVME_ASYNC_EVENT_DISCOVERY_LOG_CHANGE = 0xf0,
}

/// Event information of NVM command set events.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_async_event_info_nvm_command_set {
    SPDK_NVME_ASYNC_EVENT_RESERVATION_LOG_AVAIL = 0x0,
    SPDK_NVME_ASYNC_EVENT_SANITIZE_COMPLETED = 0x1,
}

/// Asymmetric namespace access states.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_ana_state {
    SPDK_NVME_ANA_OPTIMIZED_STATE = 0x1,
    SPDK_NVME_ANA_NON_OPTIMIZED_STATE = 0x2,
    SPDK_NVME_ANA_INACCESSIBLE_STATE = 0x3,
    SPDK_NVME_ANA_PERSISTENT_LOSS_STATE = 0x4,
    SPDK_NVME_ANA_CHANGE_STATE = 0xf,
}

/// Reclaim unit handle types (FDP).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_fdp_ruh_type {
    SPDK_NVME_FDP_RUHT_INITIALLY_ISOLATED = 0x1,
    SPDK_NVME_FDP_RUHT_PERSISTENTLY_ISOLATED = 0x2,
}

/// Reclaim unit handle attributes (FDP reclaim unit handle usage log).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_fdp_ruh_attributes {
    /// No namespace uses it.
    SPDK_NVME_FDP_RUHA_UNUSED = 0x0,
    /// Chosen by the host.
    SPDK_NVME_FDP_RUHA_HOST_SPECIFIED = 0x1,
    /// The controller's default.
    SPDK_NVME_FDP_RUHA_CTRLR_SPECIFIED = 0x2,
}

/// Which FDP events the FDP events log page reports (log specific field).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_fdp_report_event_type {
    SPDK_NVME_FDP_REPORT_CTRL_EVENTS = 0x0,
    SPDK_NVME_FDP_REPORT_HOST_EVENTS = 0x1,
}

/// FDP event types.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_fdp_event_type {
    SPDK_NVME_FDP_EVENT_RU_NOT_WRITTEN_CAPACITY = 0x0,
    SPDK_NVME_FDP_EVENT_RU_TIME_LIMIT_EXCEEDED = 0x1,
    SPDK_NVME_FDP_EVENT_CTRLR_RESET_MODIFY_RUH = 0x2,
    SPDK_NVME_FDP_EVENT_INVALID_PLACEMENT_ID = 0x3,
    SPDK_NVME_FDP_EVENT_MEDIA_REALLOCATED = 0x80,
    SPDK_NVME_FDP_EVENT_IMPLICIT_MODIFIED_RUH = 0x81,
}

/// Namespace Attachment selections.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_ns_attach_type {
    SPDK_NVME_NS_CTRLR_ATTACH = 0x0,
    SPDK_NVME_NS_CTRLR_DETACH = 0x1,
}

/// Namespace Management selections.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_ns_management_type {
    SPDK_NVME_NS_MANAGEMENT_CREATE = 0x0,
    SPDK_NVME_NS_MANAGEMENT_DELETE = 0x1,
}

/// Namespace identifier types of identification descriptors.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_nidt {
    SPDK_NVME_NIDT_EUI64 = 0x01,
    SPDK_NVME_NIDT_NGUID = 0x02,
    SPDK_NVME_NIDT_UUID = 0x03,
    /// Command set identifier.
    SPDK_NVME_NIDT_CSI = 0x04,
}

/// Command set identifiers.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_csi {
    SPDK_NVME_CSI_NVM = 0x0,
    SPDK_NVME_CSI_KV = 0x1,
    SPDK_NVME_CSI_ZNS = 0x2,
}

/// Secure erase settings of Format NVM.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_secure_erase_setting {
    SPDK_NVME_FMT_NVM_SES_NO_SECURE_ERASE = 0x0,
    SPDK_NVME_FMT_NVM_SES_USER_DATA_ERASE = 0x1,
    SPDK_NVME_FMT_NVM_SES_CRYPTO_ERASE = 0x2,
}

/// Where protection information sits in the metadata (Format NVM).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_pi_location {
    SPDK_NVME_FMT_NVM_PROTECTION_AT_TAIL = 0x0,
    SPDK_NVME_FMT_NVM_PROTECTION_AT_HEAD = 0x1,
}

/// Protection information types (Format NVM).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_pi_type {
    SPDK_NVME_FMT_NVM_PROTECTION_DISABLE = 0x0,
    SPDK_NVME_FMT_NVM_PROTECTION_TYPE1 = 0x1,
    SPDK_NVME_FMT_NVM_PROTECTION_TYPE2 = 0x2,
    SPDK_NVME_FMT_NVM_PROTECTION_TYPE3 = 0x3,
}

/// How metadata is transferred (Format NVM).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_metadata_setting {
    /// In a separate buffer.
    SPDK_NVME_FMT_NVM_METADATA_TRANSFER_AS_BUFFER = 0x0,
    /// At the end of each block (extended LBA).
    SPDK_NVME_FMT_NVM_METADATA_TRANSFER_AS_LBA = 0x1,
}

/// Sanitize actions.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_sanitize_action {
    SPDK_NVME_SANITIZE_EXIT_FAILURE_MODE = 0x1,
    SPDK_NVME_SANITIZE_BLOCK_ERASE = 0x2,
    SPDK_NVME_SANITIZE_OVERWRITE = 0x3,
    SPDK_NVME_SANITIZE_CRYPTO_ERASE = 0x4,
}

/// Commit actions of Firmware Commit.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_fw_commit_action {
    /// Store the downloaded image in the slot; do not activate it.
    SPDK_NVME_FW_COMMIT_REPLACE_IMG = 0x0,
    /// Store the downloaded image in the slot and activate it at next reset.
    SPDK_NVME_FW_COMMIT_REPLACE_AND_ENABLE_IMG = 0x1,
    /// Activate the image in the slot at next reset.
    SPDK_NVME_FW_COMMIT_ENABLE_IMG = 0x2,
    /// Activate the image in the slot now, without a reset.
    SPDK_NVME_FW_COMMIT_RUN_IMG = 0x3,
    /// Store the downloaded image in the boot partition BPID.
    SPDK_NVME_FW_COMMIT_REPLACE_BOOT_PARTITION = 0x6,
    /// Make boot partition BPID the active one.
    SPDK_NVME_FW_COMMIT_ACTIVATE_BOOT_PARTITION = 0x7,
}

/// Zone send actions (Zone Management Send, CDW13).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_zns_zone_send_action {
    SPDK_NVME_ZONE_CLOSE = 0x1,
    SPDK_NVME_ZONE_FINISH = 0x2,
    SPDK_NVME_ZONE_OPEN = 0x3,
    SPDK_NVME_ZONE_RESET = 0x4,
    SPDK_NVME_ZONE_OFFLINE = 0x5,
    /// Set the zone descriptor extension.
    SPDK_NVME_ZONE_SET_ZDE = 0x10,
}

/// Zone receive actions (Zone Management Receive, CDW13).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_zns_zone_receive_action {
    SPDK_NVME_ZONE_REPORT = 0x0,
    SPDK_NVME_ZONE_EXTENDED_REPORT = 0x1,
}

/// Which zones a zone report lists, by state.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_zns_zra_report_opts {
    /// All zones.
    SPDK_NVME_ZRA_LIST_ALL = 0x0,
    /// Empty.
    SPDK_NVME_ZRA_LIST_ZSE = 0x1,
    /// Implicitly opened.
    SPDK_NVME_ZRA_LIST_ZSIO = 0x2,
    /// Explicitly opened.
    SPDK_NVME_ZRA_LIST_ZSEO = 0x3,
    /// Closed.
    SPDK_NVME_ZRA_LIST_ZSC = 0x4,
    /// Full.
    SPDK_NVME_ZRA_LIST_ZSF = 0x5,
    /// Read only.
    SPDK_NVME_ZRA_LIST_ZSRO = 0x6,
    /// Offline.
    SPDK_NVME_ZRA_LIST_ZSO = 0x7,
}

/// Zone types.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_zns_zone_type {
    /// Sequential write required.
    SPDK_NVME_ZONE_TYPE_SEQWR = 0x2,
}

/// Zone states.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_zns_zone_state {
    SPDK_NVME_ZONE_STATE_EMPTY = 0x1,
    SPDK_NVME_ZONE_STATE_IOPEN = 0x2,
    SPDK_NVME_ZONE_STATE_EOPEN = 0x3,
    SPDK_NVME_ZONE_STATE_CLOSED = 0x4,
    SPDK_NVME_ZONE_STATE_RONLY = 0xd,
    SPDK_NVME_ZONE_STATE_FULL = 0xe,
    SPDK_NVME_ZONE_STATE_OFFLINE = 0xf,
}

/// Directive types.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_directive_type {
    SPDK_NVME_DIRECTIVE_TYPE_IDENTIFY = 0x0,
    SPDK_NVME_DIRECTIVE_TYPE_STREAMS = 0x1,
    SPDK_NVME_DIRECTIVE_TYPE_DATA_PLACEMENT = 0x2,
}

/// Directive Send operations of the identify directive.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_identify_directive_send_operation {
    SPDK_NVME_IDENTIFY_DIRECTIVE_SEND_ENABLED = 0x1,
}

/// Directive Receive operations of the identify directive.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_identify_directive_receive_operation {
    SPDK_NVME_IDENTIFY_DIRECTIVE_RECEIVE_RETURN_PARAM = 0x1,
}

/// Directive Receive operations of the streams directive.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_streams_directive_receive_operation {
    SPDK_NVME_STREAMS_DIRECTIVE_RECEIVE_RETURN_PARAM = 0x1,
    SPDK_NVME_STREAMS_DIRECTIVE_RECEIVE_GET_STATUS = 0x2,
    SPDK_NVME_STREAMS_DIRECTIVE_RECEIVE_ALLOCATE_RESOURCE = 0x3,
}

/// Directive Send operations of the streams directive.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_streams_directive_send_operation {
    SPDK_NVME_STREAMS_DIRECTIVE_SEND_RELEASE_ID = 0x1,
    SPDK_NVME_STREAMS_DIRECTIVE_SEND_RELEASE_RESOURCE = 0x2,
}

/// Controller types (identify controller data, cntrltype).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_ctrlr_type {
    SPDK_NVME_CTRLR_IO = 0x1,
    SPDK_NVME_CTRLR_DISCOVERY = 0x2,
    SPDK_NVME_CTRLR_ADMINISTRATIVE = 0x3,
}
