//! The C ABI of include/spdk/bit_array.h.
