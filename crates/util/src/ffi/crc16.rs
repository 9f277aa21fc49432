//! The C ABI of include/spdk/crc16.h.
