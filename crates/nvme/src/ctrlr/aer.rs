//! Asynchronous events: the driver keeps Asynchronous Event Request
//! commands outstanding; each event is handed to the application's
//! callback (after the driver updated its namespaces for a namespace
//! attribute notice, or their ANA groups and states for an ANA change
//! notice) and the request is sent again.

use std::ffi::c_void;
use std::ptr;

use super::Ctrlr;
use crate::spec::cmd::{Cmd, Cpl};
use crate::spec::log::AsyncEventCompletion;

const OPC_ASYNC_EVENT_REQUEST: u8 = 0x0c;
/// Most AER commands kept outstanding (SPDK's NVME_MAX_ASYNC_EVENTS).
pub const MAX_ASYNC_EVENTS: u32 = 8;

const SC_ABORTED_SQ_DELETION: u16 = 0x08;
const SC_ASYNC_EVENT_REQUEST_LIMIT_EXCEEDED: u16 = 0x05;
const EVENT_TYPE_NOTICE: u32 = 2;
const NOTICE_NS_ATTR_CHANGED: u32 = 0;
const NOTICE_ANA_CHANGE: u32 = 3;
const LOG_CHANGED_NS_LIST: u8 = 0x04;

unsafe extern "C" fn aer_done(arg: *mut c_void, cpl: *const Cpl) {
    let c = arg as *mut Ctrlr;
    let cpl = &*cpl;
    let (sct, sc) = (cpl.status.sct(), cpl.status.sc());
    if sct == 0 && sc == SC_ABORTED_SQ_DELETION {
        // The queue went away (reset, detach): nothing to send again.
        return;
    }
    if cpl.is_error() {
        if sct == 1 && sc == SC_ASYNC_EVENT_REQUEST_LIMIT_EXCEEDED {
            spdk_log::errlog!("async event request limit exceeded");
        } else {
            spdk_log::errlog!(
                "async event request failed: {}",
                crate::print::status_str(cpl.status, OPC_ASYNC_EVENT_REQUEST).to_string_lossy()
            );
        }
        return;
    }
    (*c).pending_events.push(*cpl);
    if (*c).submit_aer() != 0 {
        spdk_log::errlog!("resubmitting an async event request failed");
    }
}

impl Ctrlr {
    /// Sends one Asynchronous Event Request.
    pub(crate) fn submit_aer(&mut self) -> i32 {
        let me = self as *mut Ctrlr as *mut c_void;
        let cmd = Cmd::new(OPC_ASYNC_EVENT_REQUEST, 0);
        self.admin_submit(cmd, ptr::null_mut(), 0, Some(aer_done), me)
    }

    /// Sends the controller's share of AER commands (AERL + 1, at most 8).
    pub(crate) fn submit_aers(&mut self) -> i32 {
        self.num_aers = (self.cdata.aerl as u32 + 1).min(MAX_ASYNC_EVENTS);
        self.pending_events.reserve(self.num_aers as usize * 2);
        for _ in 0..self.num_aers {
            let rc = self.submit_aer();
            if rc != 0 {
                return rc;
            }
        }
        0
    }

    /// Handles events reaped by the last poll: refreshes the namespaces
    /// on a namespace attribute notice, then tells the application.
    pub(crate) fn handle_events(&mut self) {
        let events = std::mem::take(&mut self.pending_events);
        for cpl in events {
            let ev = AsyncEventCompletion(cpl.cdw0);
            if ev.async_event_type() == EVENT_TYPE_NOTICE
                && ev.async_event_info() == NOTICE_NS_ATTR_CHANGED
            {
                if self.opts.disable_read_changed_ns_list_log_page == 0 {
                    self.read_changed_ns_list();
                }
                if let Err(e) = self.refresh_namespaces() {
                    spdk_log::errlog!("updating namespaces after a change failed: {}", e);
                }
            }
            if ev.async_event_type() == EVENT_TYPE_NOTICE
                && ev.async_event_info() == NOTICE_ANA_CHANGE
                && !self.opts.disable_read_ana_log_page
            {
                // As SPDK: read the log page again (it clears the event)
                // and take the new groups and states.
                // A failed read leaves the states and, as in SPDK, the
                // event goes unreported.
                if let Err(e) = self.update_ana_log_page() {
                    spdk_log::errlog!("reading the ANA log page after a change failed: {}", e);
                    continue;
                }
            }
            if let Some(cb) = self.aer_cb {
                // SAFETY: the application's callback and argument.
                unsafe { cb(self.aer_arg, &cpl) };
            }
        }
    }

    /// Reads (and so clears) the Changed Namespace List log page.
    fn read_changed_ns_list(&mut self) {
        let page = self.buf.0.as_ptr();
        let mut cmd = Cmd::new(crate::ctrlr::admin::OPC_GET_LOG_PAGE, 0xffff_ffff);
        cmd.cdw10 = crate::spec::cmd::cdw10::GetLogPage(0)
            .with_lid(LOG_CHANGED_NS_LIST as u32)
            .with_numdl(1023)
            .0;
        if let Err(e) = self.admin_sync(cmd, page, 4096) {
            spdk_log::errlog!("reading the changed namespace list failed: {}", e);
        }
    }
}
