//! The C ABI of include/spdk/string.h.
