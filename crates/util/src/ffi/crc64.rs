//! The C ABI of include/spdk/crc64.h.
