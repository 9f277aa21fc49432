//! NVMe/TCP PDUs (in progress).
