//! What the report prints, gathered from the driver first so that the
//! printers are plain functions of data (and testable without a device).

use spdk_nvme::spec::ctrlr::CtrlrData;
use spdk_nvme::spec::log::{
    CmdsAndEffectLogPage, ErrorInformationEntry, FirmwarePage, HealthInformationPage,
};
use spdk_nvme::spec::ns::{NsData, NvmNsData};
use spdk_nvme::spec::regs::{Cap, Cmbsz, Pmrcap, Vs};
use spdk_nvme::spec::Pod;

/// Results of Get Features, by feature ID (None: not read or failed).
#[derive(Clone)]
pub struct Features(pub [Option<u32>; 256]);

impl Default for Features {
    fn default() -> Self {
        Features([None; 256])
    }
}

impl Features {
    pub fn get(&self, fid: u8) -> Option<u32> {
        self.0[fid as usize]
    }
}

/// One controller: identify data, registers, features and log pages.
pub struct CtrlrReport {
    /// spdk_nvme_build_name() of the controller.
    pub name: String,
    /// Not PCIe: the header says "NVMeoF".
    pub fabrics: bool,
    pub cdata: CtrlrData,
    pub cap: Cap,
    pub vs: Vs,
    /// CMBSZ when CAP.CMBS is set and the library reads it.
    pub cmbsz: Option<Cmbsz>,
    /// PMRCAP and the PMR size, likewise.
    pub pmr: Option<(Pmrcap, u64)>,
    /// num_io_queues of the controller's options.
    pub num_io_queues: u32,
    pub features: Features,
    /// cdata.elpe + 1 entries (zeroes when the page was not read).
    pub error_log: Vec<ErrorInformationEntry>,
    pub health: HealthInformationPage,
    pub firmware: FirmwarePage,
    /// The ANA log page as read, when the controller has one.
    pub ana: Option<Vec<u8>>,
    pub cmd_effects: CmdsAndEffectLogPage,
    /// The discovery log page (a discovery controller).
    pub discovery: Option<Vec<u8>>,
    /// ZASL of the ZNS identify controller data, when there is one.
    pub zns_zasl: Option<u8>,
    pub hex_dump: bool,
}

impl CtrlrReport {
    /// A report of zeroes around `cdata` (the base the collector fills).
    pub fn new(cdata: CtrlrData) -> Self {
        let elpe = cdata.elpe as usize;
        CtrlrReport {
            name: String::new(),
            fabrics: false,
            cdata,
            cap: Cap::default(),
            vs: Vs::default(),
            cmbsz: None,
            pmr: None,
            num_io_queues: 0,
            features: Features::default(),
            error_log: vec![ErrorInformationEntry::default(); elpe + 1],
            health: Pod::zeroed(),
            firmware: Pod::zeroed(),
            ana: None,
            cmd_effects: Pod::zeroed(),
            discovery: None,
            zns_zasl: None,
            hex_dump: false,
        }
    }
}

/// One active namespace.
pub struct NsReport {
    pub id: u32,
    pub data: NsData,
    /// The NVM command set identify namespace data, when read.
    pub nvm: Option<NvmNsData>,
    /// Command set identifier.
    pub csi: u32,
    /// spdk_nvme_ns_get_flags().
    pub flags: u32,
    /// `enum spdk_nvme_dealloc_logical_block_read_value`.
    pub dealloc_read_value: u32,
    pub uuid: Option<[u8; 16]>,
    pub format_index: u32,
    /// Error Recovery feature (TLER) of this namespace.
    pub error_recovery: Option<u32>,
    pub hex_dump: bool,
}

impl NsReport {
    /// A report built from identify data alone (flags and the like as the
    /// data implies them; the collector overrides them with the driver's).
    pub fn from_data(id: u32, data: NsData) -> Self {
        NsReport {
            id,
            format_index: data.lba_format_index() as u32,
            dealloc_read_value: data.dlfeat.read_value() as u32,
            data,
            nvm: None,
            csi: 0,
            flags: 0,
            uuid: None,
            error_recovery: None,
            hex_dump: false,
        }
    }
}
