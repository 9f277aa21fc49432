//! The C ABI of include/spdk/uuid.h.
