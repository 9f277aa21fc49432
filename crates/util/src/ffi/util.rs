//! The C ABI of include/spdk/util.h.
