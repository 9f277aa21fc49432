//! Media management events, as the descriptor's owner reads them.

use super::{spdk_bdev_desc, spdk_bdev_media_event};
use crate::core::Desc;

/// Takes up to `max_events` pending media events of the descriptor into
/// `events` (from its SPDK_BDEV_EVENT_MEDIA_MANAGEMENT callback); returns
/// how many.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_get_media_events(
    bdev_desc: *mut spdk_bdev_desc,
    events: *mut spdk_bdev_media_event,
    max_events: usize,
) -> usize {
    if bdev_desc.is_null() || events.is_null() || max_events == 0 {
        return 0;
    }
    let out = std::slice::from_raw_parts_mut(events, max_events);
    crate::media::take(bdev_desc.cast::<Desc>(), out)
}
