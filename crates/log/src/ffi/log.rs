//! The C ABI of include/spdk/log.h.
