//! The C ABI of include/spdk/crc32.h.
